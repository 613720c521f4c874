import assert from "node:assert/strict";
import { candidate } from "./_fixtures.ts";
import { ChannelHealth } from "./health.ts";
import { orderByPriority, orderCandidates, weightedShuffle } from "./select.ts";

/** A seeded PRNG (mulberry32), so the statistics are reproducible. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("weightedShuffle() puts each channel first in proportion to its weight", () => {
  const items = [
    candidate("a", { weight: 1 }),
    candidate("b", { weight: 3 }),
    candidate("c", { weight: 6 }),
  ];
  const random = seeded(42);
  const firsts = new Map<string, number>();
  const draws = 20_000;
  for (let i = 0; i < draws; i++) {
    const name = weightedShuffle(items, random)[0].channel.name;
    firsts.set(name, (firsts.get(name) ?? 0) + 1);
  }
  // Expected shares 0.1, 0.3, 0.6; with 20k draws the standard error is ≤ 0.0035, so a 0.015
  // tolerance is over four standard errors.
  for (const [name, share] of [["a", 0.1], ["b", 0.3], ["c", 0.6]] as const) {
    const observed = (firsts.get(name) ?? 0) / draws;
    assert.ok(Math.abs(observed - share) < 0.015, `${name}: ${observed} vs ${share}`);
  }
});

Deno.test("weightedShuffle() keeps every channel and puts zero weights last", () => {
  const items = [candidate("z", { weight: 0 }), candidate("a"), candidate("b")];
  for (let i = 0; i < 50; i++) {
    const order = weightedShuffle(items).map((c) => c.channel.name);
    assert.equal(order.length, 3);
    assert.equal(order[2], "z");
  }
});

Deno.test("orderByPriority() always tries a lower priority group first", () => {
  const items = [
    candidate("low-1", { priority: 2, weight: 100 }),
    candidate("high", { priority: 1, weight: 1 }),
    candidate("low-2", { priority: 2 }),
  ];
  const random = seeded(7);
  for (let i = 0; i < 1_000; i++) {
    assert.equal(orderByPriority(items, random)[0].channel.name, "high");
  }
});

Deno.test("orderCandidates() moves channels with an open breaker last", () => {
  const health = new ChannelHealth({ failures: 1 });
  health.failure("a", "boom");
  const order = orderCandidates([candidate("a"), candidate("b", { priority: 5 })], {
    strategy: "priority",
    health,
    model: "m",
  });
  assert.deepEqual(order.map((c) => c.channel.name), ["b", "a"]);
});

Deno.test("orderCandidates() by cost puts unpriced channels last", () => {
  const order = orderCandidates([
    candidate("unpriced"),
    candidate("dear", { price: { input: 3, output: 9 } }),
    candidate("cheap", { price: { input: 1, output: 2 } }),
  ], { strategy: "cost", health: new ChannelHealth(), model: "m" });
  assert.deepEqual(order.map((c) => c.channel.name), ["cheap", "dear", "unpriced"]);
});
