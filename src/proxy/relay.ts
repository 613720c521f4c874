/**
 * The failover loop: try candidates in order until one answers. 5xx retry the same channel with
 * backoff (up to its `retry`), then move on; 401/403/429, timeouts and connection errors move on
 * at once; other 4xx go back to the client unchanged. Channels whose breaker is open are skipped
 * while any other candidate remains; once the others are used up they are tried anyway, soonest
 * due first, once each ("panic mode", as Envoy calls it: a breaker steers traffic, it must not
 * refuse traffic nobody else can take). Attempts are bounded in number and in total
 * time. With nothing left the client gets 502 (504 if every attempt timed out, 429 if every
 * upstream was rate limited), listing the attempts but never a key.
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import { GatewayError } from "../http/errors.ts";
import type { ChannelHealth } from "../routing/health.ts";
import { REJECTED_KEY_MS } from "../routing/key_pool.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { Recorder, RequestRecord } from "../stats/record.ts";
import { attempt } from "./attempt.ts";
import { type AttemptFailure, ClientGoneError } from "./failure.ts";
import type { Ingress, PreparedCall } from "./ingress.ts";
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
  /** The client's headers without credentials, built on first use. */
  clientHeaders: () => Headers;
  /** Arrival time (performance.now()) and wall clock, for latency and records. */
  startedAt: number;
  time: number;
  /** Candidates in the order to try. */
  candidates: Candidate[];
}

export interface RelayDeps {
  fetch: typeof fetch;
  recorder: Recorder;
  health: ChannelHealth;
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

export async function relay(request: RelayRequest, deps: RelayDeps): Promise<Response> {
  const { health } = deps;
  const sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const backoff = deps.backoffMs ?? 100;
  const deadline = request.startedAt + deps.maxTotalMs;
  const attempts: AttemptSummary[] = [];
  const cooling: Candidate[] = [];
  let upstreamMs = 0;
  let ttfb: number | undefined;
  let last: AttemptFailure | undefined;
  let inFlight: string | undefined;
  let unconvertible: GatewayError | undefined;

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

  try {
    // Pass 1 skips channels cooling down; pass 2 (panic) tries them once pass 1 is used up.
    const passes = [
      { candidates: request.candidates, panic: false },
      { candidates: cooling, panic: true },
    ];
    outer: for (const { candidates, panic } of passes) {
      if (panic) {
        cooling.sort((a, b) =>
          health.availableAt(a.channel.name) - health.availableAt(b.channel.name)
        );
      }
      for (const candidate of candidates) {
        const { channel } = candidate;
        for (let tryIndex = 0; tryIndex <= (panic ? 0 : channel.retry); tryIndex++) {
          if (attempts.length >= deps.maxAttempts || performance.now() >= deadline) break outer;
          if (!panic && !health.tryAcquire(channel.name)) {
            if (tryIndex === 0) cooling.push(candidate);
            break;
          }
          let call: PreparedCall;
          try {
            call = request.ingress.prepare(channel);
          } catch (error) {
            // This channel cannot take the request in this form (e.g. an Anthropic server tool
            // for an OpenAI channel); a later, native one may.
            if (!(error instanceof GatewayError) || error.status >= 500) throw error;
            health.release(channel.name);
            unconvertible ??= error;
            break;
          }
          inFlight = channel.name;
          const result = await attempt({
            candidate,
            endpoint: call.endpoint,
            body: call.body,
            stream: request.stream,
            clientWantsUsage: call.clientWantsUsage,
            requestedModel: request.requestedModel,
            requestId: request.requestId,
            clientSignal: request.clientSignal,
            clientHeaders: request.clientHeaders,
            deadline,
            maxResponseBytes: deps.maxResponseBytes,
            fetch: deps.fetch,
            errorEvent: (error) => request.ingress.errorEvent(error, call),
            onStreamEnd: (summary: StreamSummary) => {
              if (summary.error && !summary.clientGone) health.failure(channel.name, summary.error);
              record({
                channel: channel.name,
                status: summary.clientGone ? 499 : 200,
                usage: summary.usage,
                ttfbMs: ttfb,
                error: summary.error,
              });
            },
          });
          inFlight = undefined;
          upstreamMs += result.upstreamMs;
          if (result.ok) {
            health.success(channel.name, result.upstreamMs);
            attempts.push({ channel: channel.name, status: 200, error: "" });
            ttfb = performance.now() - request.startedAt;
            const response = call.converted
              ? request.ingress.finish(result.response, call, request.model)
              : result.response;
            stamp(response, channel.name, attempts.length);
            if (!request.stream) {
              record({ channel: channel.name, status: 200, usage: result.usage, ttfbMs: ttfb });
            }
            return response;
          }
          last = result;
          attempts.push({ channel: channel.name, status: result.status, error: result.message });
          if (result.keyRejected) channel.keys.setAside(result.key, REJECTED_KEY_MS);
          if (blamesChannel(result, channel.keys.size, channel.keys.asideCount())) {
            const pause = result.status === 429 || result.status === 503
              ? result.retryAfter
              : undefined;
            health.failure(
              channel.name,
              result.message,
              pause === undefined ? undefined : pause * 1000,
            );
          } else {
            health.release(channel.name);
          }
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
            stamp(response, channel.name, attempts.length);
            record({ channel: channel.name, status: result.status, error: result.message });
            return response;
          }
          if (result.action !== "retry" || tryIndex === channel.retry) break;
          const wait = Math.min(backoff * 2 ** tryIndex * (0.5 + Math.random()), 2_000);
          if (performance.now() + wait >= deadline) break outer;
          await sleep(wait);
        }
      }
    }
  } catch (error) {
    if (inFlight !== undefined) health.release(inFlight);
    if (error instanceof ClientGoneError) {
      record({ status: 499, error: "client disconnected" });
      return new Response(null, { status: 499 });
    }
    throw error;
  }

  if (attempts.length === 0 && unconvertible) throw unconvertible;
  const error = exhausted(attempts, last);
  record({ status: error.status, error: error.message, channel: attempts.at(-1)?.channel });
  throw error;
}

function stamp(response: Response, channel: string, attempts: number): void {
  response.headers.set("x-sluice-channel", channel);
  response.headers.set("x-sluice-attempts", String(attempts));
}

/** Whether a failure says the channel itself is unwell (rather than the request or one key). */
function blamesChannel(failure: AttemptFailure, keys: number, keysAside: number): boolean {
  if (failure.keyRejected) return keysAside >= keys;
  // Timeouts and broken connections are the channel's; statuses (the upstream's, or a hook's
  // verdict such as "n > 1 is not supported here") only when they are 5xx or 429.
  if (failure.kind === "timeout" || failure.kind === "connection" || failure.kind === "stream") {
    return true;
  }
  return failure.status >= 500 || failure.status === 429;
}

/** The error for a request that no candidate could serve. */
function exhausted(attempts: AttemptSummary[], last: AttemptFailure | undefined): GatewayError {
  const list = attempts.map((a, i) => `#${i + 1} ${a.channel} → ${a.status} ${a.error}`).join("; ");
  const all = (status: number) => attempts.length > 0 && attempts.every((a) => a.status === status);
  const status = all(504) ? 504 : all(429) ? 429 : 502;
  const headers: Record<string, string> = { "x-sluice-attempts": String(attempts.length) };
  if (last?.retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(last.retryAfter));
  return new GatewayError(
    status,
    attempts.length === 0
      ? "No attempt could be made within the request's time budget"
      : `All ${attempts.length} attempt${attempts.length === 1 ? "" : "s"} failed: ${list}`,
    {
      code: status === 504
        ? "upstream_timeout"
        : status === 429
        ? "upstream_rate_limited"
        : "all_upstreams_failed",
      headers,
      details: { attempts },
    },
  );
}
