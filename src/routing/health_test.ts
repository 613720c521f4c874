import assert from "node:assert/strict";
import { ChannelHealth } from "./health.ts";

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

Deno.test("ChannelHealth opens after consecutive failures and probes once after the cooldown", () => {
  const time = clock();
  const health = new ChannelHealth({ failures: 2, cooldownMs: 100, now: time.now });
  health.failure("a", "x");
  assert.equal(health.state("a"), "closed");
  health.failure("a", "x");
  assert.equal(health.state("a"), "open");
  assert.equal(health.tryAcquire("a"), false);
  time.advance(100);
  assert.equal(health.state("a"), "half_open");
  assert.equal(health.tryAcquire("a"), true);
  assert.equal(health.tryAcquire("a"), false, "only one probe at a time");
  health.success("a", 5);
  assert.equal(health.state("a"), "closed");
});

Deno.test("ChannelHealth doubles the cooldown when a probe fails, up to the maximum", () => {
  const time = clock();
  const health = new ChannelHealth({
    failures: 1,
    cooldownMs: 100,
    maxCooldownMs: 250,
    now: time.now,
  });
  health.failure("a", "x");
  assert.equal(health.availableAt("a"), 1_100);
  for (const expected of [200, 250, 250]) {
    time.advance(10_000);
    assert.equal(health.tryAcquire("a"), true);
    health.failure("a", "x");
    assert.equal(health.availableAt("a") - time.now(), expected);
  }
});

Deno.test("ChannelHealth honours a Retry-After pause at once", () => {
  const time = clock();
  const health = new ChannelHealth({ failures: 5, now: time.now });
  health.failure("a", "429", 7_000);
  assert.equal(health.state("a"), "open");
  assert.equal(health.availableAt("a"), 8_000);
});

Deno.test("ChannelHealth keeps an exponential latency average", () => {
  const health = new ChannelHealth({ ewmaAlpha: 0.5 });
  health.success("a", 100);
  health.success("a", 200);
  assert.equal(health.latency("a"), 150);
});

Deno.test("ChannelHealth.release() frees a probe slot without a verdict", () => {
  const time = clock();
  const health = new ChannelHealth({ failures: 1, cooldownMs: 10, now: time.now });
  health.failure("a", "x");
  time.advance(10);
  assert.equal(health.tryAcquire("a"), true);
  health.release("a");
  assert.equal(health.tryAcquire("a"), true);
});
