/**
 * The failover schedule, as a pure generator: which candidate to try next, when to retry the same
 * one after a backoff, and when to stop — from the outcome of each attempt, fed back, and the
 * request's attempt and time budgets. The relay runs it; tests drive it without a server.
 *
 * Order: each candidate in turn, retried after a 5xx up to its channel's `retry`. A candidate
 * whose breaker is open is set aside; once every other is used up, the set-aside ones are tried
 * anyway, soonest due first, once each ("panic mode", as Envoy calls it: a breaker steers
 * traffic, it must not refuse traffic nobody else can take).
 */
import type { Candidate } from "../routing/resolve.ts";

/** What became of an attempt. */
export type Outcome =
  /** A 5xx: this channel may be tried again. */
  | "retry"
  /** Move on to the next candidate. */
  | "next"
  /** An answer (or an error for the client): the schedule is over. */
  | "stop"
  /** The channel could not take the request at all: no attempt was made. */
  | "skip";

export type Step =
  | { kind: "try"; candidate: Candidate; panic: boolean; retry: number }
  | { kind: "wait"; ms: number };

export interface ScheduleOptions {
  maxAttempts: number;
  /** Monotonic ms after which no attempt starts. */
  deadline: number;
  now(): number;
  random(): number;
  /** Base of the exponential backoff between retries of one channel. */
  backoffMs: number;
  /** Claims `channel` for an attempt (a half-open breaker's probe slot); false while it cools. */
  acquire(channel: string): boolean;
  /** When a cooling channel is due back (epoch ms), to order the panic pass. */
  availableAt(channel: string): number;
}

/** Longest pause between two tries of one channel. */
const MAX_BACKOFF_MS = 2_000;

export function* failoverSchedule(
  candidates: readonly Candidate[],
  o: ScheduleOptions,
): Generator<Step, void, Outcome | undefined> {
  let attempts = 0;
  const cooling: Candidate[] = [];
  for (const panic of [false, true]) {
    const pass = panic
      ? cooling.sort((a, b) => o.availableAt(a.channel.name) - o.availableAt(b.channel.name))
      : candidates;
    for (const candidate of pass) {
      const tries = panic ? 1 : candidate.channel.retry + 1;
      for (let retry = 0; retry < tries; retry++) {
        if (attempts >= o.maxAttempts || o.now() >= o.deadline) return;
        if (!panic && !o.acquire(candidate.channel.name)) {
          if (retry === 0) cooling.push(candidate);
          break;
        }
        const outcome = yield { kind: "try", candidate, panic, retry };
        if (outcome === "skip") break;
        attempts++;
        if (outcome === "stop") return;
        if (outcome !== "retry" || retry === tries - 1) break;
        if (attempts >= o.maxAttempts) return;
        const wait = Math.min(o.backoffMs * 2 ** retry * (0.5 + o.random()), MAX_BACKOFF_MS);
        if (o.now() + wait >= o.deadline) return;
        yield { kind: "wait", ms: wait };
      }
    }
  }
}
