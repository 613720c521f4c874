import assert from "node:assert/strict";
import { periodAt, secondsUntil } from "./period.ts";

const at = (iso: string) => Date.parse(iso);

Deno.test("periodAt() spans from the last reset to the next", () => {
  const p = periodAt("0 0 * * *", "UTC", at("2026-12-02T10:00:00Z"));
  assert.equal(new Date(p.start).toISOString(), "2026-12-02T00:00:00.000Z");
  assert.equal(new Date(p.end).toISOString(), "2026-12-03T00:00:00.000Z");
});

Deno.test("periodAt() reads the cron in the quota's time zone", () => {
  // Midnight in Shanghai is 16:00 UTC the day before.
  const p = periodAt("0 0 * * *", "Asia/Shanghai", at("2026-12-02T10:00:00Z"));
  assert.equal(new Date(p.start).toISOString(), "2026-12-01T16:00:00.000Z");
  assert.equal(new Date(p.end).toISOString(), "2026-12-02T16:00:00.000Z");
});

Deno.test("periodAt() at the reset instant starts the new period", () => {
  const p = periodAt("0 0 1 * *", "UTC", at("2027-01-01T00:00:00Z"));
  assert.equal(new Date(p.start).toISOString(), "2027-01-01T00:00:00.000Z");
  assert.equal(new Date(p.end).toISOString(), "2027-02-01T00:00:00.000Z");
  const before = periodAt("0 0 1 * *", "UTC", at("2026-12-31T23:59:59.999Z"));
  assert.equal(before.end, p.start);
});

Deno.test("secondsUntil() rounds up to whole seconds, at least one", () => {
  assert.equal(secondsUntil({ start: 0, end: 10_500 }, 1_000), 10);
  assert.equal(secondsUntil({ start: 0, end: 1_000 }, 1_000), 1);
});

Deno.test("periodAt() answers from its last period only inside it, so a reset is never missed", () => {
  const reset = "0 0 * * *";
  const day = 86_400_000;
  const t = Date.UTC(2026, 11, 2, 12);
  const first = periodAt(reset, "UTC", t);
  assert.equal(periodAt(reset, "UTC", t + 1000), first, "answered from the cache");
  // The last millisecond of the day is still today; the reset instant starts tomorrow.
  assert.equal(periodAt(reset, "UTC", first.end - 1).start, first.start);
  const next = periodAt(reset, "UTC", first.end);
  assert.deepEqual(next, { start: first.end, end: first.end + day });
  // Going back (a clock step, another caller's `now`) recomputes rather than trusting the cache.
  assert.deepEqual(periodAt(reset, "UTC", t), first);
});
