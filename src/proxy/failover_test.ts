import assert from "node:assert/strict";
import type { Candidate } from "../routing/resolve.ts";
import { failoverSchedule, type Outcome, type ScheduleOptions, type Step } from "./failover.ts";

const candidate = (name: string, retry = 2) =>
  ({ channel: { name, retry }, upstreamModel: "m" }) as unknown as Candidate;

/** Runs the schedule, answering each try with `answer(name, retry)`; returns the steps. */
function run(
  candidates: Candidate[],
  answer: (name: string, retry: number) => Outcome,
  options: Partial<ScheduleOptions> = {},
): string[] {
  let now = 0;
  const o: ScheduleOptions = {
    maxAttempts: 10,
    deadline: 1_000_000,
    now: () => now,
    random: () => 0.5,
    backoffMs: 100,
    acquire: () => true,
    availableAt: () => 0,
    ...options,
  };
  const steps: string[] = [];
  const schedule = failoverSchedule(candidates, o);
  let step: IteratorResult<Step, void> = schedule.next();
  while (!step.done) {
    if (step.value.kind === "wait") {
      steps.push(`wait ${step.value.ms}`);
      now += step.value.ms;
      step = schedule.next();
      continue;
    }
    const { candidate: c, panic, retry } = step.value;
    steps.push(`${panic ? "panic " : ""}${c.channel.name}#${retry}`);
    step = schedule.next(answer(c.channel.name, retry));
  }
  return steps;
}

Deno.test("failoverSchedule() retries a 5xx up to the channel's retry with backoff, then moves on", () => {
  assert.deepEqual(run([candidate("a"), candidate("b")], (n) => n === "a" ? "retry" : "stop"), [
    "a#0",
    "wait 100",
    "a#1",
    "wait 200",
    "a#2",
    "b#0",
  ]);
});

Deno.test("failoverSchedule() moves on at once after 'next' and stops after 'stop'", () => {
  assert.deepEqual(
    run([candidate("a"), candidate("b"), candidate("c")], (n) => n === "a" ? "next" : "stop"),
    ["a#0", "b#0"],
  );
});

Deno.test("failoverSchedule() skips a channel that cannot take the request without counting it", () => {
  assert.deepEqual(
    run([candidate("a"), candidate("b")], (n) => n === "a" ? "skip" : "next", { maxAttempts: 1 }),
    ["a#0", "b#0"],
  );
});

Deno.test("failoverSchedule() tries cooling channels last, soonest due first, once each", () => {
  const due: Record<string, number> = { a: 300, b: 100 };
  const steps = run(
    [candidate("a"), candidate("b"), candidate("c")],
    () => "retry",
    { acquire: (n) => n === "c", availableAt: (n) => due[n] },
  );
  assert.deepEqual(steps, [
    "c#0",
    "wait 100",
    "c#1",
    "wait 200",
    "c#2",
    "panic b#0",
    "panic a#0",
  ]);
});

Deno.test("failoverSchedule() stops at the attempt budget and before the deadline", () => {
  assert.deepEqual(run([candidate("a", 10)], () => "retry", { maxAttempts: 3 }), [
    "a#0",
    "wait 100",
    "a#1",
    "wait 200",
    "a#2",
  ]);
  // The next backoff (200 ms) would pass the deadline: stop instead of waiting.
  assert.deepEqual(run([candidate("a", 10)], () => "retry", { deadline: 250 }), [
    "a#0",
    "wait 100",
    "a#1",
  ]);
});
