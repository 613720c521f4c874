/**
 * The failover loop: runs the schedule (`failover.ts`) over the ordered candidates, one attempt
 * at a time, and judges each outcome — 5xx retry the same channel, 401/403/429, timeouts and
 * connection errors move on, other 4xx go back to the client unchanged. With nothing left the
 * client gets 502 (504 if every attempt timed out, 429 if every upstream was rate limited),
 * listing the attempts but never a key. Failed attempts and breaker changes are logged.
 */
import { ClientGoneError, GatewayError } from "../errors.ts";
import type { PreparedCall } from "../ingress/ingress.ts";
import type { Channel } from "../routing/channel.ts";
import { REJECTED_KEY_MS } from "../routing/key_pool.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { Amount } from "../quota/amount.ts";
import { admitChannel } from "../quota/admission.ts";
import { attempt, type AttemptSuccess } from "./attempt.ts";
import { failoverSchedule, type Outcome } from "./failover.ts";
import type { AttemptFailure } from "./failure.ts";
import type { ProxyDeps, RequestScope } from "./scope.ts";
import type { StreamSummary } from "./stream_relay.ts";
import type { RequestRecord, TokenUsage } from "../stats/record.ts";
import { completeUsage, type UsageEvidence } from "../usage/estimate.ts";
import { type Exchange, keptBodies } from "../usage/bodies.ts";
import { costOf, effectivePrice, formatCost } from "../usage/price.ts";

/** One line of the attempt list in a 502, never naming a key. */
export interface AttemptSummary {
  channel: string;
  status: number;
  error: string;
}

/** Base of the exponential backoff between retries of one channel. */
const BACKOFF_MS = 100;

export async function relay(
  scope: RequestScope,
  candidates: readonly Candidate[],
  model: string,
  deps: ProxyDeps,
  need: Amount,
): Promise<Response> {
  const { health, config } = scope.gateway;
  const deadline = scope.log.startedAt + config.routing.max_total_time;
  const attempts: AttemptSummary[] = [];
  let last: AttemptFailure | undefined;
  let unconvertible: GatewayError | undefined;
  let spent: GatewayError | undefined;
  let upstreamMs = 0;
  let inFlight: string | undefined;
  const schedule = failoverSchedule(candidates, {
    maxAttempts: config.routing.max_attempts,
    deadline,
    now: deps.now,
    random: deps.random,
    backoffMs: BACKOFF_MS,
    acquire: (name) => health.tryAcquire(name),
    availableAt: (name) => health.availableAt(name),
  });
  try {
    let step = schedule.next();
    while (!step.done) {
      if (step.value.kind === "wait") {
        await deps.sleep(step.value.ms);
        step = schedule.next();
        continue;
      }
      const { candidate } = step.value;
      const { channel } = candidate;
      let call: PreparedCall;
      try {
        call = scope.ingress.prepare(channel);
      } catch (error) {
        // This channel cannot take the request in this form (an Anthropic server tool for an
        // OpenAI channel, say); a later, native one may.
        if (!(error instanceof GatewayError) || error.status >= 500) throw error;
        health.release(channel.name);
        unconvertible ??= error;
        step = schedule.next("skip");
        continue;
      }
      // The channel's own quota: spent, it is skipped like one that cannot take the request.
      const admitted = await admitChannel(scope, candidate, deps.quotas, need);
      if (admitted instanceof GatewayError) {
        health.release(channel.name);
        spent ??= admitted;
        step = schedule.next("skip");
        continue;
      }
      inFlight = channel.name;
      const result = await attempt({
        scope,
        candidate,
        call,
        model,
        deadline,
        onStreamEnd: (summary) => streamEnded(scope, candidate, model, summary, deps),
      }, deps);
      inFlight = undefined;
      upstreamMs += result.upstreamMs;
      if (result.ok) {
        attempts.push({ channel: channel.name, status: 200, error: "" });
        return succeeded(scope, candidate, model, result, attempts.length, upstreamMs, deps);
      }
      last = result;
      attempts.push({ channel: channel.name, status: result.status, error: result.message });
      judge(scope, channel, result, attempts.length, deps);
      if (result.action === "return") {
        return returned(scope, channel, result, call.converted, attempts.length);
      }
      step = schedule.next(result.action === "retry" ? "retry" : "next" satisfies Outcome);
    }
  } catch (error) {
    if (inFlight !== undefined) health.release(inFlight);
    if (error instanceof ClientGoneError) {
      scope.log.set({ attempts: attempts.length, upstreamMs, error: "client disconnected" });
      return new Response(null, { status: 499 });
    }
    throw error;
  }
  if (attempts.length === 0 && (spent || unconvertible)) throw spent ?? unconvertible;
  scope.log.set({ attempts: attempts.length, upstreamMs, channel: attempts.at(-1)?.channel });
  throw exhausted(attempts, last, config.routing.breaker.max_cooldown);
}

function succeeded(
  scope: RequestScope,
  candidate: Candidate,
  model: string,
  result: AttemptSuccess,
  attempts: number,
  upstreamMs: number,
  deps: ProxyDeps,
): Response {
  const { channel, upstreamModel } = candidate;
  const health = scope.gateway.health;
  const before = health.state(channel.name);
  health.success(channel.name, result.upstreamMs);
  if (before !== "closed") deps.log.info(`Channel "${channel.name}" breaker closed`);
  const streamed = result.body instanceof ReadableStream;
  scope.log.set({
    channel: channel.name,
    upstreamModel,
    attempts,
    upstreamMs,
    ttfbMs: deps.now() - scope.log.startedAt,
  });
  const headers: Record<string, string> = {
    ...result.headers,
    "content-type": result.contentType,
    "x-request-id": scope.id,
    "x-sluice-channel": channel.name,
    "x-sluice-attempts": String(attempts),
  };
  if (streamed) {
    headers["cache-control"] = "no-cache";
    scope.log.defer();
  } else if (result.usage) {
    const costUsd = costFor(candidate, model, result.usage);
    scope.log.set({ usage: result.usage, costUsd });
    if (costUsd !== undefined) headers["x-sluice-cost"] = formatCost(costUsd);
    // Checked here, not in bodiesOf: the answer is decoded only when its text is kept.
    if (scope.gateway.config.log.bodies) {
      scope.log.set({ bodies: keptBodies({ request: scope.body, answer: textOf(result.body) }) });
    }
  } else {
    // No usage in the answer: estimated from the prompt and the answer's text, then recorded.
    scope.log.defer();
    const answer = textOf(result.body);
    void settle(scope, candidate, model, { complete: true, request: scope.body, answer }, deps)
      .then((fields) => scope.log.close(result.status, deps.now(), fields));
  }
  return new Response(result.body, { status: result.status, headers });
}

/** A stream that started ends: it closes the request's record and may count against the channel. */
function streamEnded(
  scope: RequestScope,
  candidate: Candidate,
  model: string,
  summary: StreamSummary,
  deps: ProxyDeps,
): void {
  const { channel } = candidate;
  if (summary.fault === "upstream") scope.gateway.health.failure(channel.name, summary.error ?? "");
  if (summary.fault === "gateway") {
    deps.log.error(`Gateway bug in the stream of request ${scope.id}: ${stackOf(summary.cause)}`);
  }
  const ended = deps.now();
  const evidence = {
    reported: summary.usage,
    complete: summary.fault === undefined,
    request: scope.body,
    relayed: summary.relayed,
  };
  void settle(scope, candidate, model, evidence, deps).then((fields) =>
    scope.log.close(summary.fault === "client" ? 499 : 200, ended, {
      ...fields,
      error: summary.error,
    })
  );
}

/** The usage to record (reported, else estimated per `src/usage/estimate.ts`) and its cost. */
async function settle(
  scope: RequestScope,
  candidate: Candidate,
  model: string,
  evidence: UsageEvidence,
  deps: ProxyDeps,
): Promise<Pick<RequestRecord, "usage" | "costUsd" | "bodies">> {
  const kept = bodiesOf(scope, evidence);
  try {
    const usage = await completeUsage(evidence);
    return usage ? { usage, costUsd: costFor(candidate, model, usage), ...kept } : kept;
  } catch (error) {
    deps.log.error(`Estimating the usage of request ${scope.id} failed: ${stackOf(error)}`);
    return { usage: evidence.reported, ...kept };
  }
}

/** The exchange's text for the recent-request log, when `log.bodies` keeps it. */
function bodiesOf(scope: RequestScope, exchange: Exchange): Pick<RequestRecord, "bodies"> {
  return scope.gateway.config.log.bodies ? { bodies: keptBodies(exchange) } : {};
}

function textOf(body: string | Uint8Array | ReadableStream<Uint8Array> | null): string {
  if (typeof body === "string") return body;
  return body instanceof Uint8Array ? new TextDecoder().decode(body) : "";
}

function costFor(candidate: Candidate, model: string, usage: TokenUsage): number | undefined {
  const price = effectivePrice(candidate.channel.config.price, model, candidate.upstreamModel);
  return price ? costOf(usage, price) : undefined;
}

/** Counts a failure against the channel (or only the key), and logs it and any breaker change. */
function judge(
  scope: RequestScope,
  channel: Channel,
  failure: AttemptFailure,
  attempt: number,
  deps: ProxyDeps,
): void {
  const health = scope.gateway.health;
  deps.log.warn(
    `Request ${scope.id} attempt ${attempt} to channel "${channel.name}" failed: ` +
      `${failure.status} ${failure.message}`,
  );
  if (failure.keyRejected) channel.keys.setAside(failure.key, REJECTED_KEY_MS);
  if (!blamesChannel(failure, channel.keys.size, channel.keys.asideCount())) {
    health.release(channel.name);
    return;
  }
  const before = health.state(channel.name);
  const pause = failure.status === 429 || failure.status === 503 ? failure.retryAfter : undefined;
  health.failure(channel.name, failure.message, pause === undefined ? undefined : pause * 1000);
  if (before !== "open" && health.state(channel.name) === "open") {
    deps.log.warn(
      `Channel "${channel.name}" breaker opened until ${
        new Date(health.availableAt(channel.name)).toISOString()
      }: ${failure.message}`,
    );
  }
}

/** The upstream's own 4xx, as it came when it speaks the client's dialect, else re-rendered. */
function returned(
  scope: RequestScope,
  channel: Channel,
  failure: AttemptFailure,
  converted: boolean,
  attempts: number,
): Response {
  scope.log.set({ channel: channel.name, attempts, error: failure.message });
  const stamp = {
    "x-request-id": scope.id,
    "x-sluice-channel": channel.name,
    "x-sluice-attempts": String(attempts),
  };
  const passthrough = failure.passthrough;
  if (passthrough && !converted) {
    return new Response(passthrough.body, {
      status: passthrough.status,
      headers: { ...passthrough.headers, ...stamp },
    });
  }
  throw new GatewayError(failure.status, failure.message, {
    type: failure.type,
    code: failure.code === null ? null : String(failure.code),
    param: failure.param,
    headers: stamp,
  });
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
function exhausted(
  attempts: AttemptSummary[],
  last: AttemptFailure | undefined,
  maxCooldownMs: number,
): GatewayError {
  const list = attempts.map((a, i) => `#${i + 1} ${a.channel} → ${a.status} ${a.error}`).join("; ");
  const all = (status: number) => attempts.length > 0 && attempts.every((a) => a.status === status);
  const status = all(504) ? 504 : all(429) ? 429 : 502;
  const headers: Record<string, string> = { "x-sluice-attempts": String(attempts.length) };
  if (last?.retryAfter !== undefined) {
    headers["retry-after"] = String(Math.ceil(Math.min(last.retryAfter, maxCooldownMs / 1000)));
  }
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

function stackOf(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}
