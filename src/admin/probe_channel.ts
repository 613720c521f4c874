/**
 * `POST /admin/channels/{name}/test`: one real call to one channel, outside routing. A channel
 * that serves chat gets a tiny chat request (`max_tokens: 16`, built by the same code as a routed
 * attempt, so the plugin's hooks, headers and key all apply); one that does not gets asked for
 * its model list. The answer says whether it worked, the upstream's status, the latency and what
 * came back, with the channel's keys scrubbed out. It never counts against the channel's breaker
 * or quotas: an admin's test is not traffic.
 */
import { GatewayError } from "../errors.ts";
import { parseJsonBounded } from "../formats/json.ts";
import type { RequestContext, UpstreamRequest } from "../plugin/contract.ts";
import { failureFromResponse } from "../proxy/failure.ts";
import { readCappedText } from "../proxy/read_capped.ts";
import { buildUpstreamRequest } from "../proxy/upstream_request.ts";
import { listChannelModels } from "../routing/catalog.ts";
import type { Channel } from "../routing/channel.ts";

/** The longest a test may take, whatever the channel's timeout. */
export const PROBE_TIMEOUT_MS = 30_000;

/** What a test found. */
export interface ProbeResult {
  channel: string;
  ok: boolean;
  /** What was tried: a chat request, or the model list. */
  kind: "chat" | "models";
  /** The model asked (chat only). */
  model: string | null;
  /** The upstream's HTTP status; null when no answer came (connection refused, timeout). */
  status: number | null;
  latency_ms: number;
  /** The start of the answer's text (chat) or how many models were listed. */
  reply?: string;
  models?: number;
  error?: string;
}

/** Calls `channel` once; `model` overrides the model a chat test asks for. */
export async function probeChannel(
  channel: Channel,
  fetchFn: typeof fetch,
  model?: string,
): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (!channel.endpoints.has("chat")) {
    const result = base(channel, "models", null);
    try {
      const models = await listChannelModels(channel, fetchFn, PROBE_TIMEOUT_MS);
      return { ...result, ok: true, status: 200, latency_ms: elapsed(), models: models.length };
    } catch (error) {
      return { ...result, latency_ms: elapsed(), error: message(channel, error) };
    }
  }
  const requested = model ?? await modelToTry(channel, fetchFn);
  const result = base(channel, "chat", requested);
  try {
    const { response, ctx } = await sendChat(channel, requested, fetchFn);
    if (response.status >= 300) {
      const failure = response.status < 400
        ? { message: `Upstream answered ${response.status}, a redirect (never followed)` }
        : await failureFromResponse(response, channel.plugin, ctx, channel.scrub);
      return { ...result, status: response.status, latency_ms: elapsed(), error: failure.message };
    }
    const text = channel.scrub(await readCappedText(response, 64 * 1024).catch(() => ""));
    const reply = replyOf(text, channel, ctx);
    return { ...result, ok: true, status: response.status, latency_ms: elapsed(), reply };
  } catch (error) {
    return { ...result, latency_ms: elapsed(), error: message(channel, error) };
  }
}

/** The tiny chat request, built as a routed attempt builds it, and its answer. */
async function sendChat(channel: Channel, requested: string, fetchFn: typeof fetch) {
  const signal = AbortSignal.timeout(Math.min(channel.timeout, PROBE_TIMEOUT_MS));
  const ctx: RequestContext<unknown> & { endpoint: "chat" } = {
    channel: channel.info,
    endpoint: "chat",
    model: channel.config.model_map[requested] ?? requested,
    requestedModel: requested,
    // A channel that only streams is tested with a stream; its first bytes are enough.
    stream: !channel.config.non_stream,
    apiKey: channel.keys.pick(),
    requestId: `probe-${crypto.randomUUID()}`,
    signal,
    clientHeaders: new Headers(),
  };
  const body = {
    model: requested,
    messages: [{ role: "user", content: "Reply with OK." }],
    max_tokens: 16,
  };
  const built = await buildUpstreamRequest({ channel, ctx, body });
  const response = channel.plugin.respond
    ? await channel.plugin.respond(built.shaped as UpstreamRequest, ctx)
    : await fetchFn(built.url, {
      method: built.method,
      headers: built.headers as HeadersInit,
      body: built.body,
      signal,
      redirect: "manual",
    });
  return { response, ctx };
}

function base(channel: Channel, kind: ProbeResult["kind"], model: string | null): ProbeResult {
  return { channel: channel.name, ok: false, kind, model, status: null, latency_ms: 0 };
}

/** The channel's first listed model, else the first its upstream lists. */
async function modelToTry(channel: Channel, fetchFn: typeof fetch): Promise<string> {
  const listed = channel.config.models;
  const first = Array.isArray(listed) ? listed.find((m) => !/[*?]/.test(m)) : undefined;
  if (first) return first;
  if (channel.plugin.listModels) {
    const models = await listChannelModels(channel, fetchFn, PROBE_TIMEOUT_MS).catch(() => []);
    if (models[0]) return models[0];
  }
  throw new GatewayError(
    400,
    `Channel "${channel.name}" names no model to test with: send {"model": "<name>"}`,
    { code: "model_required", param: "model" },
  );
}

/** The start of the assistant's text, read through the plugin's `transformResponse`. */
function replyOf(text: string, channel: Channel, ctx: RequestContext<unknown>): string {
  if (ctx.stream) return text.slice(0, 200);
  try {
    let json = parseJsonBounded(text);
    if (channel.plugin.transformResponse) json = channel.plugin.transformResponse(json, ctx);
    const content = (json as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]
      ?.message?.content;
    return typeof content === "string" ? content.slice(0, 200) : text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

function message(channel: Channel, error: unknown): string {
  if (error instanceof GatewayError) throw error;
  const text = error instanceof Error
    ? (error.name === "TimeoutError" ? "No answer within the time limit" : error.message)
    : String(error);
  return channel.scrub(text);
}
