/**
 * The failover loop: try candidates in order until one answers. 5xx retry the same channel with
 * backoff (up to its `retry`), then move on; 401/403/429, timeouts and connection errors move on
 * at once; other 4xx go back to the client unchanged. Attempts are bounded in number and in total
 * time. With nothing left the client gets 502 (504 if every attempt timed out) listing attempts.
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import { GatewayError } from "../http/errors.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { Recorder, RequestRecord } from "../stats/record.ts";
import { attempt, type AttemptFailure, ClientGoneError } from "./attempt.ts";
import type { Ingress } from "./ingress.ts";
import type { StreamSummary } from "./stream.ts";

export interface RelayRequest {
  /** The client's dialect: how each channel is called and answers are rendered. */
  ingress: Ingress;
  stream: boolean;
  requestedModel: string;
  /** The model after aliases, for records. */
  model: string;
  key: GatewayKey;
  requestId: string;
  clientSignal: AbortSignal;
  /** Arrival time (performance.now()) and wall clock, for latency and records. */
  startedAt: number;
  time: number;
  /** Candidates in the order to try. */
  candidates: Candidate[];
}

export interface RelayDeps {
  fetch: typeof fetch;
  recorder: Recorder;
  maxAttempts: number;
  maxTotalMs: number;
  maxResponseBytes: number;
  /** Base of the exponential backoff between retries of one channel. @default 100 */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** One line of the attempt list in a 502, never naming a key. */
export interface AttemptSummary {
  channel: string;
  status: number;
  error: string;
}

/** Key set aside after the upstream rejected it. */
const REJECTED_KEY_MS = 5 * 60_000;

export async function relay(request: RelayRequest, deps: RelayDeps): Promise<Response> {
  const sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const backoff = deps.backoffMs ?? 100;
  const deadline = request.startedAt + deps.maxTotalMs;
  const attempts: AttemptSummary[] = [];
  let upstreamMs = 0;
  const record = (r: Partial<RequestRecord> & { status: number }) =>
    deps.recorder.record({
      time: request.time,
      requestId: request.requestId,
      key: request.key.name,
      endpoint: request.ingress.endpoint,
      model: request.model,
      attempts: attempts.length,
      stream: request.stream,
      protocol: "http",
      latencyMs: performance.now() - request.startedAt,
      upstreamMs,
      ...r,
    });

  let last: AttemptFailure | undefined;
  let ttfb: number | undefined;
  try {
    outer: for (const candidate of request.candidates) {
      for (let tryIndex = 0; tryIndex <= candidate.channel.retry; tryIndex++) {
        if (attempts.length >= deps.maxAttempts || performance.now() >= deadline) break outer;
        const channel = candidate.channel.name;
        const call = request.ingress.prepare(candidate.channel);
        const result = await attempt({
          candidate,
          endpoint: call.endpoint,
          body: call.body,
          stream: request.stream,
          clientWantsUsage: call.clientWantsUsage,
          requestedModel: request.requestedModel,
          requestId: request.requestId,
          clientSignal: request.clientSignal,
          maxResponseBytes: deps.maxResponseBytes,
          fetch: deps.fetch,
          errorEvent: (error) => request.ingress.errorEvent(error, call),
          onStreamEnd: (summary: StreamSummary) =>
            record({
              channel,
              status: summary.clientGone ? 499 : 200,
              usage: summary.usage,
              ttfbMs: ttfb,
              error: summary.error,
            }),
        });
        upstreamMs += result.upstreamMs;
        if (result.ok) {
          attempts.push({ channel, status: 200, error: "" });
          ttfb = performance.now() - request.startedAt;
          const response = call.converted
            ? request.ingress.finish(result.response, call, request.model)
            : result.response;
          response.headers.set("x-sluice-channel", channel);
          response.headers.set("x-sluice-attempts", String(attempts.length));
          if (!request.stream) record({ channel, status: 200, usage: result.usage, ttfbMs: ttfb });
          return response;
        }
        last = result;
        attempts.push({ channel, status: result.status, error: result.message });
        if (result.keyRejected) candidate.channel.keys.setAside(result.key, REJECTED_KEY_MS);
        if (result.action === "return") {
          // The upstream's own error body is returned unchanged when it already speaks the
          // client's dialect; converted calls get the error re-rendered.
          const response = (!call.converted && result.passthrough) ||
            request.ingress.errorResponse(
              new GatewayError(result.status, result.message, {
                type: result.type,
                code: result.code === null ? null : String(result.code),
              }),
            );
          response.headers.set("x-sluice-channel", channel);
          response.headers.set("x-sluice-attempts", String(attempts.length));
          record({ channel, status: result.status, error: result.message });
          return response;
        }
        if (result.action !== "retry" || tryIndex === candidate.channel.retry) break;
        const wait = Math.min(backoff * 2 ** tryIndex * (0.5 + Math.random()), 2_000);
        if (performance.now() + wait >= deadline) break outer;
        await sleep(wait);
      }
    }
  } catch (error) {
    if (error instanceof ClientGoneError) {
      record({ status: 499, error: "client disconnected" });
      return new Response(null, { status: 499 });
    }
    throw error;
  }

  const allTimedOut = attempts.length > 0 && attempts.every((a) => a.status === 504);
  const status = allTimedOut ? 504 : 502;
  const error = new GatewayError(
    status,
    attempts.length === 0
      ? "No attempt was made within the time limit"
      : `All ${attempts.length} attempt${attempts.length === 1 ? "" : "s"} failed: ${
        attempts.map((a, i) => `#${i + 1} ${a.channel} → ${a.status} ${a.error}`).join("; ")
      }`,
    {
      code: allTimedOut ? "upstream_timeout" : "all_upstreams_failed",
      headers: {
        "x-sluice-attempts": String(attempts.length),
        ...(last?.retryAfter !== undefined ? { "retry-after": String(last.retryAfter) } : {}),
      },
      details: { attempts },
    },
  );
  record({ status, error: error.message, channel: attempts.at(-1)?.channel });
  throw error;
}
