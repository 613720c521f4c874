/**
 * One call to one channel: build the upstream request, run the plugin's phases, send it, and
 * classify what came back. The failover loop (`relay.ts`) decides what to do with the result.
 */
import type { Usage } from "../formats/openai.ts";
import {
  type Endpoint,
  type RequestContext,
  retryAfterSeconds,
  type SseEvent,
  type StreamContext,
  UpstreamError,
  type UpstreamFailure,
  type UpstreamRequest,
} from "../plugin/contract.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { TokenUsage } from "../stats/record.ts";
import { relayedHeaders } from "./headers.ts";
import { readCapped, TooLargeError } from "./read_capped.ts";
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

/** What to do after a failed attempt. */
export type FailoverAction = "retry" | "next" | "return";

export interface AttemptFailure {
  ok: false;
  /** The status the client would see for this failure. */
  status: number;
  message: string;
  type: string;
  code: string | number | null;
  kind: "http" | "timeout" | "connection" | "stream" | "invalid";
  action: FailoverAction;
  retryAfter?: number;
  /** The upstream rejected the key itself (401/403). */
  keyRejected: boolean;
  key: string;
  /** For `return`: the upstream's answer to pass to the client unchanged. */
  passthrough?: Response;
  upstreamMs: number;
}

/** What classifying a failure decides; the attempt adds key and timing. */
type FailureFields = Omit<AttemptFailure, "ok" | "upstreamMs" | "key" | "keyRejected">;

export interface AttemptSuccess {
  ok: true;
  response: Response;
  /** Usage of a non-stream answer; streams report it through `onStreamEnd`. */
  usage?: TokenUsage;
  upstreamMs: number;
}

export type AttemptResult = AttemptSuccess | AttemptFailure;

/** Thrown when the client disconnected: there is nobody left to answer. */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

/** Which failures move on: 5xx retry here first; auth, rate and timeouts go elsewhere at once. */
export function classifyStatus(status: number): FailoverAction {
  if (status >= 500) return "retry";
  if (status === 401 || status === 403 || status === 408 || status === 429) return "next";
  return "return";
}

const decoder = new TextDecoder();

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
  const timeoutMs = upstreamStream ? channel.streamTimeout : firstByteMs;
  const upstreamAbort = new AbortController();
  const signal = AbortSignal.any([
    input.clientSignal,
    upstreamAbort.signal,
    AbortSignal.timeout(timeoutMs),
  ]);
  const firstByteTimer = upstreamStream
    ? setTimeout(
      () => upstreamAbort.abort(new DOMException("First byte timeout", "TimeoutError")),
      firstByteMs,
    )
    : undefined;
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
  const fail = (f: FailureFields) => ({
    ok: false as const,
    key: apiKey,
    keyRejected: false,
    upstreamMs: performance.now() - started,
    ...f,
  });

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
    clearTimeout(firstByteTimer);
    return fail(failureFromThrown(error, "connect"));
  }

  try {
    if (upstream.status >= 400) return await failureFrom(upstream, ctx, input, fail);
    if (upstreamStream) {
      const idleMs = channel.streamIdleTimeout;
      let gathered: StreamSummary | undefined;
      const started2 = await startStream({
        upstream: upstream.body ?? new Response("").body!,
        plugin,
        ctx: Object.assign(ctx, { state: plugin.createStreamState?.(ctx) }),
        openAIStyle: input.endpoint === "chat" || input.endpoint === "completions",
        // Gathering for a non-stream client keeps the usage chunk: it becomes `usage`.
        clientWantsUsage: input.clientWantsUsage || !input.stream,
        maxBytes: input.maxResponseBytes,
        idleMs,
        errorEvent: input.errorEvent,
        abortUpstream: (reason) => upstreamAbort.abort(reason),
        onEnd: input.stream ? input.onStreamEnd : (summary) => (gathered = summary),
      });
      clearTimeout(firstByteTimer);
      if (!started2.ok) {
        if (input.clientSignal.aborted) throw new ClientGoneError("Client disconnected");
        const status = started2.error.status;
        return fail({
          ...fromUpstreamError(started2.error),
          kind: status === 504 ? "timeout" : "stream",
          action: status === 504 ? "next" : classifyStatus(status),
        });
      }
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
    const bytes = await readCapped(upstream.body, input.maxResponseBytes);
    const upstreamMs = performance.now() - started;
    const json = parseJson(bytes);
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
      response: new Response(bytes, { status: upstream.status, headers }),
      usage,
      upstreamMs,
    };
  } catch (error) {
    clearTimeout(firstByteTimer);
    return fail(failureFromThrown(error, "response"));
  }

  /** What a thrown error means for failover; a client that left ends the attempt instead. */
  function failureFromThrown(error: unknown, phase: "connect" | "response"): FailureFields {
    if (error instanceof ClientGoneError || input.clientSignal.aborted) {
      throw new ClientGoneError("Client disconnected");
    }
    if (error instanceof TooLargeError) {
      return {
        status: 502,
        message: `Upstream "${channel.name}" response exceeded ${error.limit} bytes`,
        type: "upstream_error",
        code: "response_too_large",
        kind: "invalid",
        action: "return",
      };
    }
    if (isTimeout(error, signal)) {
      // Failures reach here only before the first byte, so the first-byte budget is what ran out.
      return {
        status: 504,
        message: `Upstream "${channel.name}" timed out after ${seconds(firstByteMs)}`,
        type: "timeout_error",
        code: "upstream_timeout",
        kind: "timeout",
        action: "next",
      };
    }
    if (error instanceof UpstreamError) {
      // A hook's verdict on the exchange: 4xx (a blocked prompt, an unconvertible request) go
      // back to the client, 5xx and 429 move on.
      return { ...fromUpstreamError(error), kind: "invalid", action: classifyStatus(error.status) };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return phase === "connect"
      ? {
        status: 502,
        message: `Could not reach "${channel.name}": ${reason}`,
        type: "upstream_error",
        code: "upstream_unreachable",
        kind: "connection",
        action: "next",
      }
      : {
        status: 502,
        message: `Upstream "${channel.name}" failed: ${reason}`,
        type: "upstream_error",
        code: "upstream_error",
        kind: "connection",
        action: "next",
      };
  }
}

async function failureFrom(
  upstream: Response,
  ctx: RequestContext<unknown>,
  input: AttemptInput,
  fail: (f: FailureFields) => AttemptFailure,
): Promise<AttemptFailure> {
  const { channel } = input.candidate;
  const bytes = await readCapped(upstream.body, 1024 * 1024).catch(() => new Uint8Array());
  const json = parseJson(bytes);
  const mapped: UpstreamFailure | undefined = channel.plugin.transformError?.(
    upstream.status,
    json,
    ctx,
  );
  const status = mapped?.status ?? upstream.status;
  const openAI = json as { error?: { message?: unknown; type?: unknown; code?: unknown } };
  const upstreamMessage = typeof openAI?.error?.message === "string"
    ? openAI.error.message
    : decoder.decode(bytes.subarray(0, 300)).trim();
  const action = classifyStatus(status);
  const failure = fail({
    status,
    message: mapped?.message ?? (upstreamMessage || `Upstream answered ${upstream.status}`),
    type: mapped?.type ??
      (typeof openAI?.error?.type === "string" ? openAI.error.type : "upstream_error"),
    code: mapped?.code ?? (typeof openAI?.error?.code === "string" ? openAI.error.code : null),
    kind: "http",
    action,
    retryAfter: mapped?.retryAfter ?? retryAfterSeconds(upstream.headers.get("retry-after")),
  });
  failure.keyRejected = status === 401 || status === 403;
  if (action === "return" && !mapped && openAI?.error !== undefined) {
    // Other 4xx go back to the client unchanged: the upstream said what is wrong.
    const headers = relayedHeaders(upstream.headers);
    headers.set("content-type", "application/json");
    failure.passthrough = new Response(bytes, { status: upstream.status, headers });
  }
  return failure;
}

function fromUpstreamError(error: UpstreamError) {
  return {
    status: error.status,
    message: error.message,
    type: error.type,
    code: null,
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Math.round(ms / 100) / 10}s`;
}

function isTimeout(error: unknown, signal: AbortSignal): boolean {
  return (error as Error)?.name === "TimeoutError" ||
    (signal.aborted && (signal.reason as Error)?.name === "TimeoutError");
}

function parseJson(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}
