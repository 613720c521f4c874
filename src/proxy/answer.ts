/**
 * Reading a successful upstream answer into what the client gets, in each of the four mode
 * combinations: a stream relayed as a stream, a stream gathered into one answer, a whole answer
 * replayed as a stream, and a whole answer as a whole answer. Conversions happen here, before
 * any status is sent, so an answer that cannot be converted fails over like any bad answer.
 *
 * A whole native answer is relayed as the upstream's own bytes, its usage read from the bytes
 * after the last `"usage"` key; it is decoded and parsed only when a plugin or the ingress must
 * change it.
 */
import { ENDPOINTS, usageReader } from "../endpoints.ts";
import { InternalError, UpstreamError } from "../errors.ts";
import type { Usage } from "../formats/openai.ts";
import type { Ingress, PreparedCall } from "../ingress/ingress.ts";
import type { StreamContext } from "../plugin/contract.ts";
import type { Channel } from "../routing/channel.ts";
import type { TokenUsage } from "../stats/record.ts";
import { replayedEvents, upstreamEvents } from "./event_source.ts";
import { parseJson } from "./failure.ts";
import { readCapped, readCappedText } from "./read_capped.ts";
import { EventPipeline } from "./stream_pipeline.ts";
import { gatherStream, startStream, type StreamSummary } from "./stream_relay.ts";
import type { UpstreamCall } from "./upstream_call.ts";
import { toTokenUsage, usageFromTailBytes } from "./usage.ts";

export interface AnswerInput {
  channel: Channel;
  ctx: StreamContext<unknown, unknown>;
  ingress: Ingress;
  call: PreparedCall;
  /** The model named in converted answers. */
  model: string;
  upstream: Response;
  upstreamCall: UpstreamCall;
  /** What the client asked for; `ctx.stream` is what the upstream was asked for. */
  clientStream: boolean;
  maxBytes: number;
  onStreamEnd(summary: StreamSummary): void;
}

export interface Answer {
  status: number;
  /** A whole answer (JSON, as text or as the upstream's own bytes) or the client's stream. */
  body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  contentType: string;
  /** Usage of a whole answer; a stream reports it through `onStreamEnd`. */
  usage?: TokenUsage;
}

const SSE = "text/event-stream; charset=utf-8";
const JSON_TYPE = "application/json";
/** @throws {UpstreamError} for an answer that is not what the endpoint promises. */
export async function takeAnswer(a: AnswerInput): Promise<Answer> {
  const { ctx } = a;
  if (ctx.stream && a.clientStream) return await relayed(a);
  if (ctx.stream) return await gathered(a);
  const plugin = a.channel.plugin;
  if (!a.clientStream && !a.call.converted && !plugin.transformResponse && !plugin.extractUsage) {
    return await relayedWhole(a);
  }
  const text = await readCappedText(a.upstream, a.maxBytes);
  a.upstreamCall.done();
  const json = parseJson(text);
  if (json === undefined || typeof json !== "object") {
    throw new UpstreamError(502, `Upstream "${a.channel.name}" sent a response that is not JSON`);
  }
  const usage = toTokenUsage(
    plugin.extractUsage
      ? hook(a, () => plugin.extractUsage!(json, ctx))
      : usageReader(a.call.endpoint)?.(json) ?? (json as { usage?: Usage }).usage,
  );
  const answer = plugin.transformResponse
    ? hook(a, () => plugin.transformResponse!(json, ctx))
    : json;
  if (a.clientStream) return await replayed(a, answer as Record<string, unknown>, usage);
  if (!a.call.converted && answer === json) {
    return { status: a.upstream.status, body: text, contentType: JSON_TYPE, usage };
  }
  return {
    status: 200,
    body: JSON.stringify(await converted(a, answer)),
    contentType: JSON_TYPE,
    usage,
  };
}

/**
 * A native whole answer, relayed as the upstream's own bytes: no decode, parse and re-encode.
 * Usage comes from the bytes after the last `"usage"` key. A body that is not even shaped like
 * a JSON object is a bad answer (and fails over); one that is, is the upstream's to vouch for.
 */
async function relayedWhole(a: AnswerInput): Promise<Answer> {
  const bytes = await readCapped(a.upstream, a.maxBytes);
  a.upstreamCall.done();
  if (!objectShaped(bytes)) {
    throw new UpstreamError(502, `Upstream "${a.channel.name}" sent a response that is not JSON`);
  }
  // The endpoint's own usage shape (e.g. Responses' input/output tokens), else OpenAI's.
  const read = usageReader(a.call.endpoint);
  const found = usageFromTailBytes(bytes);
  const usage = toTokenUsage(read && found ? read({ usage: found }) : found);
  return { status: a.upstream.status, body: bytes, contentType: JSON_TYPE, usage };
}

/** A stream, relayed event by event (converted for the client when the call was). */
async function relayed(a: AnswerInput): Promise<Answer> {
  const started = await startStream({
    source: upstreamEvents(a.upstream.body ?? new Response("").body!, a.upstreamCall, a.maxBytes),
    pipeline: upstreamPipeline(a, a.call.clientWantsUsage, true),
    errorEvent: (error) => a.ingress.errorEvent(error),
    onEnd: a.onStreamEnd,
  });
  if (!started.ok) throw started.error;
  // Flowing: the stream's own deadline and idle limit replace the first-byte deadline.
  a.upstreamCall.streaming(a.channel.streamTimeout, a.channel.streamIdleTimeout);
  return { status: 200, body: started.body, contentType: SSE };
}

/** A stream gathered into one answer, for a client that asked for a whole one. */
async function gathered(a: AnswerInput): Promise<Answer> {
  a.upstreamCall.streaming(a.channel.streamTimeout, a.channel.streamIdleTimeout);
  const source = upstreamEvents(
    a.upstream.body ?? new Response("").body!,
    a.upstreamCall,
    a.maxBytes,
  );
  const { answer, usage } = await gatherStream(source, upstreamPipeline(a, true, false));
  a.upstreamCall.done();
  return {
    status: 200,
    body: JSON.stringify(await converted(a, answer)),
    contentType: JSON_TYPE,
    usage,
  };
}

/** A whole answer replayed as the stream a streaming upstream would have sent. */
async function replayed(
  a: AnswerInput,
  answer: Record<string, unknown>,
  usage: TokenUsage | undefined,
): Promise<Answer> {
  const pipeline = new EventPipeline({
    requestId: a.ctx.requestId,
    openAIStream: true,
    clientWantsUsage: a.call.clientWantsUsage,
    converter: a.call.converted ? a.ingress.streamConverter(a.call, a.model) : undefined,
  });
  const started = await startStream({
    source: replayedEvents(answer),
    pipeline,
    errorEvent: (error) => a.ingress.errorEvent(error),
    onEnd: (summary) => a.onStreamEnd({ ...summary, usage: summary.usage ?? usage }),
  });
  if (!started.ok) throw started.error;
  return { status: 200, body: started.body, contentType: SSE };
}

/** The pipeline for events straight off the upstream: the plugin's hooks, then the ingress's. */
function upstreamPipeline(a: AnswerInput, clientWantsUsage: boolean, convert: boolean) {
  const { plugin } = a.channel;
  const { ctx } = a;
  ctx.state = plugin.createStreamState ? hook(a, () => plugin.createStreamState!(ctx)) : undefined;
  return new EventPipeline({
    requestId: ctx.requestId,
    transform: plugin.transformStreamEvent && ((event) => plugin.transformStreamEvent!(event, ctx)),
    endStream: plugin.endStream && (() => plugin.endStream!(ctx)),
    extractUsage: plugin.extractUsage
      ? (data) => plugin.extractUsage!(data, ctx)
      : usageReader(a.call.endpoint),
    openAIStream: ENDPOINTS[a.call.endpoint].openAIStream,
    clientWantsUsage,
    converter: convert && a.call.converted ? a.ingress.streamConverter(a.call, a.model) : undefined,
  });
}

/** The answer in the client's dialect: the ingress converts it when the call was converted. */
async function converted(a: AnswerInput, answer: unknown): Promise<unknown> {
  if (!a.call.converted) return answer;
  try {
    return await a.ingress.finish(answer, a.call, a.model);
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new InternalError(a.ctx.requestId, error);
  }
}

/** Runs a plugin hook: its `UpstreamError` is the upstream's failure, anything else our bug. */
function hook<T>(a: AnswerInput, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new InternalError(a.ctx.requestId, error);
  }
}

/** First and last non-blank bytes are `{` and `}`. */
function objectShaped(bytes: Uint8Array): boolean {
  let start = 0;
  let end = bytes.length - 1;
  while (start <= end && isBlank(bytes[start])) start++;
  while (end >= start && isBlank(bytes[end])) end--;
  return start < end && bytes[start] === 123 && bytes[end] === 125;
}

function isBlank(byte: number): boolean {
  return byte === 32 || byte === 10 || byte === 13 || byte === 9;
}
