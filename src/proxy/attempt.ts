/**
 * One call to one channel: build the upstream request, run the plugin's phases, send it, and
 * classify what came back. The failover loop (`relay.ts`) decides what to do with the result.
 */
import type { Usage } from "../formats/openai.ts";
import type {
  Endpoint,
  SseEvent,
  StreamContext,
  UpstreamError,
  UpstreamRequest,
} from "../plugin/contract.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { TokenUsage } from "../stats/record.ts";
import { relayedHeaders } from "./headers.ts";
import {
  type AttemptFailure,
  classifyStatus,
  ClientGoneError,
  type FailureFields,
  failureFromResponse,
  failureFromThrown,
  fromUpstreamError,
  parseJson,
} from "./failure.ts";
import { CallAbort } from "./call_abort.ts";
import { readCappedText } from "./read_capped.ts";
import { startStream, type StreamSummary } from "./stream.ts";
import { answerFromStream, streamFromAnswer } from "./stream_mode.ts";
import { toTokenUsage } from "./usage.ts";

export const ENDPOINT_PATHS: Record<Endpoint, string> = {
  chat: "/chat/completions",
  completions: "/completions",
  embeddings: "/embeddings",
  messages: "/messages",
};

export interface AttemptInput {
  candidate: Candidate;
  /** The endpoint as sent upstream. */
  endpoint: Endpoint;
  /** The request body in that endpoint's format; each attempt works on a shallow copy. */
  body: Record<string, unknown>;
  stream: boolean;
  clientWantsUsage: boolean;
  requestedModel: string;
  requestId: string;
  /** Aborted when the client disconnects. */
  clientSignal: AbortSignal;
  /** The client's headers without credentials, built on first use. */
  clientHeaders: () => Headers;
  /** `performance.now()` by which the first byte must arrive (the request's total budget). */
  deadline: number;
  maxResponseBytes: number;
  fetch: typeof fetch;
  /** Renders a mid-stream error for the client's dialect. */
  errorEvent(error: UpstreamError): SseEvent;
  onStreamEnd(summary: StreamSummary): void;
}

export interface AttemptSuccess {
  ok: true;
  response: Response;
  /** Usage of a non-stream answer; streams report it through `onStreamEnd`. */
  usage?: TokenUsage;
  upstreamMs: number;
}

export type AttemptResult = AttemptSuccess | AttemptFailure;

export async function attempt(input: AttemptInput): Promise<AttemptResult> {
  const { channel, upstreamModel } = input.candidate;
  const plugin = channel.plugin;
  const apiKey = channel.keys.pick();
  // A channel that serves only one mode gets that mode; the answer is converted back below.
  const convertible = input.endpoint === "chat" || input.endpoint === "completions";
  const upstreamStream = !convertible
    ? input.stream
    : input.stream
    ? channel.config.stream
    : !channel.config.non_stream;
  // Before the first byte, an attempt may use neither more than its channel's timeout nor more
  // than what is left of the request's budget. A stream, once flowing, has its own deadline.
  const firstByteMs = Math.max(1, Math.min(channel.timeout, input.deadline - performance.now()));
  const call = new CallAbort(input.clientSignal);
  call.deadline(firstByteMs, "First byte");
  const signal = call.signal;
  // One context object for every hook of this attempt: plugins may key per-attempt data on it.
  const ctx: StreamContext<unknown, unknown> = {
    channel: channel.info,
    endpoint: input.endpoint,
    model: upstreamModel,
    requestedModel: input.requestedModel,
    stream: upstreamStream,
    apiKey,
    requestId: input.requestId,
    signal,
    get clientHeaders() {
      return input.clientHeaders();
    },
    state: undefined,
  };
  const started = performance.now();
  const fail = (f: FailureFields): AttemptFailure => ({
    ok: false,
    key: apiKey,
    keyRejected: f.kind === "http" && (f.status === 401 || f.status === 403),
    upstreamMs: performance.now() - started,
    ...f,
  });
  const thrownContext = {
    channel: channel.name,
    signal,
    clientSignal: input.clientSignal,
    firstByteMs,
  };

  let upstream: Response;
  try {
    let request: UpstreamRequest = {
      url: new URL(channel.info.baseUrl + ENDPOINT_PATHS[input.endpoint]),
      method: "POST",
      headers: new Headers({ "content-type": "application/json", ...channel.config.headers }),
      body: { ...input.body, model: upstreamModel, ...(upstreamStream ? { stream: true } : {}) },
    };
    if (!upstreamStream && "stream" in (request.body as object)) {
      (request.body as Record<string, unknown>).stream = false;
    }
    request = (await plugin.rewriteRequest?.(request, ctx)) ?? request;
    if (plugin.injectHeaders) plugin.injectHeaders(request.headers, ctx);
    else if (apiKey) request.headers.set("authorization", `Bearer ${apiKey}`);
    upstream = plugin.respond
      ? await plugin.respond(request, ctx)
      : await input.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
  } catch (error) {
    call.done();
    return fail(failureFromThrown(error, "connect", thrownContext));
  }

  try {
    if (upstream.status >= 400) {
      const failure = fail(await failureFromResponse(upstream, channel.plugin, ctx));
      call.done();
      return failure;
    }
    if (upstreamStream) {
      let gathered: StreamSummary | undefined;
      ctx.state = plugin.createStreamState?.(ctx);
      const started2 = await startStream({
        upstream: upstream.body ?? new Response("").body!,
        plugin,
        ctx,
        openAIStyle: input.endpoint === "chat" || input.endpoint === "completions",
        // Gathering for a non-stream client keeps the usage chunk: it becomes `usage`.
        clientWantsUsage: input.clientWantsUsage || !input.stream,
        maxBytes: input.maxResponseBytes,
        idleMs: channel.streamIdleTimeout,
        errorEvent: input.errorEvent,
        abortUpstream: (reason) => call.abort(reason),
        onEnd: (summary) => {
          call.done();
          if (input.stream) input.onStreamEnd(summary);
          else gathered = summary;
        },
      });
      if (!started2.ok) {
        call.done();
        if (input.clientSignal.aborted) throw new ClientGoneError("Client disconnected");
        const status = started2.error.status;
        return fail({
          ...fromUpstreamError(started2.error),
          kind: status === 504 ? "timeout" : "stream",
          action: status === 504 ? "next" : classifyStatus(status),
        });
      }
      // Flowing: the stream's own deadline replaces the first-byte one.
      call.deadline(channel.streamTimeout, "Stream");
      if (!input.stream) {
        const result = await answerFromStream(started2.body);
        if ("error" in result || gathered?.error) {
          return fail({
            status: 502,
            message: `Upstream "${channel.name}" stream failed: ${
              "error" in result ? result.error : gathered?.error
            }`,
            type: "upstream_error",
            code: "upstream_stream_failed",
            kind: "stream",
            action: "next",
          });
        }
        return {
          ok: true,
          response: Response.json(result.answer),
          usage: gathered?.usage,
          upstreamMs: performance.now() - started,
        };
      }
      const headers = relayedHeaders(upstream.headers);
      headers.set("content-type", "text/event-stream; charset=utf-8");
      headers.set("cache-control", "no-cache");
      return {
        ok: true,
        response: new Response(started2.body, { status: 200, headers }),
        upstreamMs: performance.now() - started,
      };
    }
    const text = await readCappedText(upstream, input.maxResponseBytes);
    call.done();
    const upstreamMs = performance.now() - started;
    const json = parseJson(text);
    if (json === undefined) {
      return fail({
        status: 502,
        message: `Upstream "${channel.name}" sent a response that is not JSON`,
        type: "upstream_error",
        code: "invalid_upstream_response",
        kind: "invalid",
        action: "next",
      });
    }
    const usage = toTokenUsage(
      plugin.extractUsage ? plugin.extractUsage(json, ctx) : (json as { usage?: Usage }).usage,
    );
    if (input.stream) {
      // A streaming client served by a non-stream channel: replay the answer as a stream.
      const answer =
        (plugin.transformResponse ? plugin.transformResponse(json, ctx) : json) as Record<
          string,
          unknown
        >;
      return {
        ok: true,
        response: streamFromAnswer(answer, {
          clientWantsUsage: input.clientWantsUsage,
          usage,
          onEnd: input.onStreamEnd,
        }),
        upstreamMs,
      };
    }
    const headers = relayedHeaders(upstream.headers);
    headers.set("content-type", "application/json");
    if (plugin.transformResponse) {
      const out = plugin.transformResponse(json, ctx);
      return {
        ok: true,
        response: new Response(JSON.stringify(out), { headers }),
        usage,
        upstreamMs,
      };
    }
    return {
      ok: true,
      response: new Response(text, { status: upstream.status, headers }),
      usage,
      upstreamMs,
    };
  } catch (error) {
    call.done();
    return fail(failureFromThrown(error, "response", thrownContext));
  }
}
