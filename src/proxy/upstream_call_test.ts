import assert from "node:assert/strict";
import { DeadlineWheel } from "./deadlines.ts";
import { seconds, UpstreamCall } from "./upstream_call.ts";

/** A wheel on a hand-driven clock; `tick()` advances it and checks every call. */
function manualWheel() {
  let now = 0;
  const checks: { check(now: number): void }[] = [];
  // An interval that never fires in a test's lifetime: `advance` checks the calls instead.
  const wheel = new DeadlineWheel(() => now, 1_000_000);
  return {
    wheel,
    advance(ms: number) {
      now += ms;
      // The interval would do this; driven by hand, the test needs no real time.
      for (const c of checks) c.check(now);
    },
    stop() {
      wheel.stop();
    },
    watch<T extends { check(now: number): void }>(call: T): T {
      checks.push(call);
      return call;
    },
  };
}

const client = () => new AbortController().signal;

Deno.test("UpstreamCall expires at its first-byte deadline and aborts with a TimeoutError", () => {
  const t = manualWheel();
  const call = t.watch(new UpstreamCall(t.wheel, 500, client));
  t.advance(499);
  assert.equal(call.signal.aborted, false);
  t.advance(1);
  assert.equal(call.signal.aborted, true);
  assert.equal((call.signal.reason as DOMException).name, "TimeoutError");
  assert.match(call.expired!.message, /First byte timed out after 500ms/);
  assert.equal(call.expired!.status, 504);
  assert.equal(t.wheel.size, 0, "an expired call leaves the wheel");
  t.stop();
});

Deno.test("UpstreamCall.streaming() swaps in the stream deadline and the idle limit", async () => {
  const t = manualWheel();
  const call = t.watch(new UpstreamCall(t.wheel, 100, client));
  let cancelled: unknown;
  call.attach({ cancel: (reason) => Promise.resolve(void (cancelled = reason)) });
  call.streaming(10_000, 300);
  t.advance(250);
  call.touch();
  t.advance(250);
  assert.equal(call.expired, undefined, "activity resets the idle clock");
  t.advance(300);
  assert.match(call.expired!.message, /silent for 0.3s/);
  await Promise.resolve();
  assert.equal(cancelled, call.expired, "the reader is cancelled, not just the fetch");
  t.stop();
});

Deno.test("UpstreamCall subscribes to the client's signal only after a second in flight", () => {
  const t = manualWheel();
  const controller = new AbortController();
  let reads = 0;
  const call = t.watch(new UpstreamCall(t.wheel, 60_000, () => (reads++, controller.signal)));
  t.advance(999);
  assert.equal(reads, 0);
  t.advance(1);
  assert.equal(reads, 1);
  controller.abort();
  assert.equal(call.signal.aborted, true);
  assert.equal(call.clientGone, true);
  assert.equal(call.expired, undefined);
  call.done();
  t.stop();
});

Deno.test("DeadlineWheel runs its interval while calls are in flight and stops when idle", async () => {
  const wheel = new DeadlineWheel(() => performance.now(), 5, 3);
  const call = new UpstreamCall(wheel, 20, client);
  assert.equal(wheel.size, 1);
  await new Promise((r) => setTimeout(r, 60));
  assert.ok(call.expired, "the real interval fired the deadline");
  assert.equal(wheel.size, 0);
  // Three idle ticks later the interval has stopped by itself (the test's op sanitizer checks).
  await new Promise((r) => setTimeout(r, 40));
});

Deno.test("seconds() formats deadlines for messages", () => {
  assert.equal(seconds(300), "300ms");
  assert.equal(seconds(1500), "1.5s");
  assert.equal(seconds(300_000), "300s");
});
