import assert from "node:assert/strict";
import type { RequestRecord } from "../stats/record.ts";
import { Ledger, type LedgerSettings } from "./ledger.ts";
import { type Counters, latencyQuantile, recent, seenIds, series, total } from "./query.ts";
import { METRICS } from "./batch.ts";

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const settings = (): LedgerSettings => ({
  flushMs: 60_000,
  recentTtlMs: 86_400_000,
  retentionMs: { minute: 3_600_000, hour: 86_400_000, day: 30 * 86_400_000 },
});

function record(fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    time: T0,
    requestId: crypto.randomUUID(),
    key: "alice",
    endpoint: "chat",
    channel: "openai",
    model: "gpt-4o",
    status: 200,
    attempts: 1,
    stream: false,
    protocol: "http",
    usage: { prompt: 100, completion: 20, cached: 40 },
    costUsd: 0.00045,
    latencyMs: 320,
    upstreamMs: 319,
    ...fields,
  };
}

async function withKv(run: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await run(kv);
  } finally {
    kv.close();
  }
}

const day = (kv: Deno.Kv, dimension: "all" | "channel" | "model" | "key", id: string) =>
  series(kv, { granularity: "day", dimension, id, from: T0, to: T0 }).then(total);

Deno.test("Ledger.flush() writes counters that add up by every dimension", async () => {
  await withKv(async (kv) => {
    const ledger = new Ledger({ kv, settings, now: () => T0 });
    for (let i = 0; i < 10; i++) ledger.record(record());
    ledger.record(record({ key: "bob", status: 502, usage: undefined, costUsd: undefined }));
    ledger.record(record({ endpoint: "health", key: "-" })); // not usage: ignored
    await ledger.flush();
    const all = await day(kv, "all", "*");
    assert.equal(all.requests, 11);
    assert.equal(all.errors, 1);
    assert.equal(all.prompt_tokens, 1000);
    assert.equal(all.completion_tokens, 200);
    assert.equal(all.cached_tokens, 400);
    assert.equal(all.cost_nano_usd, 4_500_000);
    assert.equal((await day(kv, "key", "alice")).requests, 10);
    assert.equal((await day(kv, "key", "bob")).errors, 1);
    assert.equal((await day(kv, "channel", "openai")).requests, 11);
    // All 11 took 320 ms, in the 250–500 bucket: the median is read halfway through it.
    assert.equal(latencyQuantile(all, 0.5), 375);
    assert.deepEqual((await seenIds(kv, "key")).sort(), ["alice", "bob"]);
    const minutes = await series(kv, {
      granularity: "minute",
      dimension: "all",
      id: "*",
      from: T0 - 60_000,
      to: T0,
    });
    assert.deepEqual(minutes.map((p) => p.counters.requests), [0, 11]);
  });
});

Deno.test("Ledger: two instances on one KV add up exactly, without conflicts", async () => {
  await withKv(async (kv) => {
    const a = new Ledger({ kv, settings });
    const b = new Ledger({ kv, settings });
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < 25; i++) {
        a.record(record());
        b.record(record({ key: "bob" }));
      }
      await Promise.all([a.flush(), b.flush()]);
    }
    const all = await day(kv, "all", "*");
    assert.equal(all.requests, rounds * 50);
    assert.equal(all.prompt_tokens, rounds * 50 * 100);
    assert.equal((await day(kv, "key", "bob")).requests, rounds * 25);
  });
});

Deno.test("Ledger keeps a batch whose write failed, and writes it with the next flush", async () => {
  await withKv(async (kv) => {
    let failing = true;
    const flaky = new Proxy(kv, {
      get(target, name) {
        if (name === "atomic" && failing) throw new Error("KV unavailable");
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const warnings: string[] = [];
    const ledger = new Ledger({ kv: flaky, settings, log: { warn: (w) => warnings.push(w) } });
    ledger.record(record());
    await ledger.flush();
    assert.match(warnings[0], /kept for the next flush/);
    failing = false;
    ledger.record(record());
    await ledger.flush();
    assert.equal((await day(kv, "all", "*")).requests, 2);
  });
});

Deno.test("recent() reads the log newest first, with filters", async () => {
  await withKv(async (kv) => {
    const ledger = new Ledger({ kv, settings });
    for (let i = 0; i < 5; i++) {
      ledger.record(record({ time: T0 + i, status: i === 3 ? 429 : 200, requestId: `r${i}` }));
    }
    ledger.record(record({ time: T0 + 9, key: "bob", requestId: "b" }));
    await ledger.flush();
    assert.deepEqual((await recent(kv, { limit: 3 })).map((r) => r.requestId), ["b", "r4", "r3"]);
    assert.deepEqual((await recent(kv, { status: "4xx" })).map((r) => r.requestId), ["r3"]);
    assert.deepEqual((await recent(kv, { key: "bob" })).map((r) => r.requestId), ["b"]);
    assert.deepEqual(
      (await recent(kv, { from: T0 + 1, to: T0 + 3 })).map((r) => r.requestId),
      ["r2", "r1"],
    );
  });
});

Deno.test("Ledger.sweep() deletes aggregates past their retention", async () => {
  await withKv(async (kv) => {
    let now = T0;
    const ledger = new Ledger({ kv, settings, now: () => now });
    ledger.record(record());
    await ledger.flush();
    now = T0 + 2 * 86_400_000; // minutes (1 h) and hours (1 d) expired, days (30 d) kept
    await ledger.sweep();
    const left = await Array.fromAsync(kv.list({ prefix: ["usage_by_minute"] }));
    assert.equal(left.length, 0);
    assert.equal((await Array.fromAsync(kv.list({ prefix: ["usage_by_hour"] }))).length, 0);
    assert.equal((await day(kv, "all", "*")).requests, 1);
  });
});

Deno.test("latencyQuantile() interpolates within a bucket, fine enough for fast answers", () => {
  const counters = (buckets: Record<string, number>) => {
    const c = Object.fromEntries(METRICS.map((m) => [m, 0])) as Counters;
    Object.assign(c, buckets);
    return c;
  };
  // 4 ms answers are not reported as 100 ms.
  assert.equal(latencyQuantile(counters({ latency_le_5: 10 }), 0.5), 2.5);
  // 90 in 5–10 ms, 10 in 1–2.5 s: the p50 is fast, the p95 slow.
  const mixed = counters({ latency_le_10: 90, latency_le_2500: 10 });
  assert.equal(latencyQuantile(mixed, 0.5), 7.8);
  assert.equal(latencyQuantile(mixed, 0.95), 1750);
  // Past the last bound, the figure is that bound ("at least").
  assert.equal(latencyQuantile(counters({ latency_le_inf: 3 }), 0.5), 120_000);
  assert.equal(latencyQuantile(counters({}), 0.5), undefined);
});
