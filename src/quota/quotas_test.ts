import assert from "node:assert/strict";
import { Limits } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { Amount } from "./amount.ts";
import { type QuotaRef, Quotas } from "./quotas.ts";

const T0 = Date.parse("2026-12-02T10:00:00Z");
const settings = () => ({ slice: 0.1, leaseTtlMs: 30_000 });
const one: Amount = { requests: 1, tokens: 0, cost: 0 };

const ref = (limits: Record<string, unknown>, name = "alice"): QuotaRef => ({
  scope: "key",
  name,
  limits: Limits.parse(limits),
});

async function withKv(run: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await run(kv);
  } finally {
    kv.close();
  }
}

/** Admits until refused; returns how many were admitted. */
async function drain(quotas: Quotas, quota: QuotaRef, need: Amount, max = 1000) {
  let admitted = 0;
  for (let i = 0; i < max; i++) {
    try {
      quotas.settle(await quotas.admit(quota, need), { tokens: need.tokens });
      admitted++;
    } catch (error) {
      assert.ok(error instanceof GatewayError && error.status === 429);
      return admitted;
    }
  }
  return admitted;
}

Deno.test("Quotas admit exactly the request limit, then 429 with Retry-After to the reset", async () => {
  await withKv(async (kv) => {
    const quotas = new Quotas({ kv, settings, now: () => T0 });
    const quota = ref({ requests: 50 });
    assert.equal(await drain(quotas, quota, one), 50);
    const error = await quotas.admit(quota, one).catch((e) => e) as GatewayError;
    assert.equal(error.status, 429);
    assert.equal(error.code, "quota_exceeded");
    assert.equal(error.headers["retry-after"], String(14 * 3600)); // until midnight UTC
  });
});

Deno.test("Quotas: 200 concurrent admissions against 50 admit exactly 50", async () => {
  await withKv(async (kv) => {
    const quotas = new Quotas({ kv, settings, now: () => T0 });
    const quota = ref({ requests: 50 });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => quotas.admit(quota, one)),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 50);
  });
});

Deno.test("Quotas: two instances on one KV never lease more than the limit", async () => {
  await withKv(async (kv) => {
    const a = new Quotas({ kv, settings, now: () => T0, instance: "a" });
    const b = new Quotas({ kv, settings, now: () => T0, instance: "b" });
    const quota = ref({ requests: 50 });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).admit(quota, one)),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 50);
  });
});

Deno.test("Quotas reserve tokens before the call and settle the actual figure after", async () => {
  await withKv(async (kv) => {
    const quotas = new Quotas({ kv, settings, now: () => T0 });
    const quota = ref({ tokens: 1000 });
    // 4 × 250 reserved: the fifth cannot start even though nothing is settled yet.
    const held = await Promise.all(
      [1, 2, 3, 4].map(() => quotas.admit(quota, { requests: 1, tokens: 250, cost: 0 })),
    );
    await assert.rejects(quotas.admit(quota, { requests: 1, tokens: 250, cost: 0 }));
    // They used 100 each: 600 free again.
    for (const r of held) quotas.settle(r, { tokens: 100 });
    assert.equal(await drain(quotas, quota, { requests: 1, tokens: 100, cost: 0 }), 6);
  });
});

Deno.test("Quotas count cost in USD", async () => {
  await withKv(async (kv) => {
    const quotas = new Quotas({ kv, settings, now: () => T0 });
    const quota = ref({ cost: 0.01 });
    const need = { requests: 1, tokens: 0, cost: 1_000_000 }; // $0.001 reserved each
    let admitted = 0;
    for (let i = 0; i < 20; i++) {
      const r = await quotas.admit(quota, need).catch(() => undefined);
      if (!r) break;
      quotas.settle(r, { tokens: 0, costUsd: 0.001 });
      admitted++;
    }
    assert.equal(admitted, 10);
  });
});

Deno.test("Quotas: settled usage survives a restart (flushed to KV)", async () => {
  await withKv(async (kv) => {
    const first = new Quotas({ kv, settings, now: () => T0 });
    const quota = ref({ requests: 20 });
    for (let i = 0; i < 15; i++) first.settle(await first.admit(quota, one), { tokens: 0 });
    await first.flush();
    const [view] = first.view(quota);
    assert.equal(view.remaining, 5);
    // A new process: its predecessor's leftover lease still counts until it expires.
    const later = T0 + 31_000;
    const second = new Quotas({ kv, settings, now: () => later });
    assert.equal(await drain(second, quota, one), 5);
  });
});

Deno.test("Quotas start a fresh period at the reset, and settle a request in the period that admitted it", async () => {
  await withKv(async (kv) => {
    let now = Date.parse("2026-12-02T23:59:59Z");
    const quotas = new Quotas({ kv, settings, now: () => now });
    const quota = ref({ requests: 3 });
    const late = await quotas.admit(quota, one);
    assert.equal(await drain(quotas, quota, one), 2);
    now = Date.parse("2026-12-03T00:00:00Z");
    quotas.settle(late, { tokens: 0 }); // reset during the request: billed to its own period
    assert.equal(await drain(quotas, quota, one), 3);
  });
});

Deno.test("Quotas honour the time zone of the reset", async () => {
  await withKv(async (kv) => {
    let now = Date.parse("2026-12-02T15:59:00Z"); // 23:59 in Shanghai
    const quotas = new Quotas({ kv, settings, now: () => now });
    const quota = ref({ requests: 1, timezone: "Asia/Shanghai" });
    assert.equal(await drain(quotas, quota, one), 1);
    now = Date.parse("2026-12-02T16:00:00Z"); // midnight in Shanghai
    assert.equal(await drain(quotas, quota, one), 1);
  });
});

Deno.test("Quotas.reset() clears a quota's current period", async () => {
  await withKv(async (kv) => {
    const quotas = new Quotas({ kv, settings, now: () => T0 });
    const quota = ref({ requests: 2 });
    assert.equal(await drain(quotas, quota, one), 2);
    await quotas.flush();
    await quotas.reset(quota);
    assert.equal(await drain(quotas, quota, one), 2);
  });
});

Deno.test("Quotas: an idle instance gives its lease back for others to use", async () => {
  await withKv(async (kv) => {
    let now = T0;
    const a = new Quotas({ kv, settings, now: () => now, instance: "a" });
    const b = new Quotas({ kv, settings, now: () => now, instance: "b" });
    const quota = ref({ requests: 20 }, "shared");
    a.settle(await a.admit(quota, one), { tokens: 0 }); // a leases 2 (a 10% slice), uses 1
    assert.equal(await drain(b, quota, one), 18, "a's unused lease is not b's to take");
    now += 31_000;
    await a.flush(); // idle past the lease TTL: a flushes its 1 and gives the other back
    assert.equal(await drain(b, quota, one), 1);
  });
});

Deno.test("Quotas: a settlement elsewhere between a grant's reads cannot make budget appear", async () => {
  await withKv(async (kv) => {
    const quota = ref({ requests: 10 });
    const whole = () => ({ slice: 1, leaseTtlMs: 30_000 });
    const b = new Quotas({ kv, settings: whole, now: () => T0, instance: "b" });
    for (let i = 0; i < 5; i++) b.settle(await b.admit(quota, one), { tokens: 0 });
    // B leased all 10 and used 5 (not yet flushed).
    let interleave: (() => Promise<void>) | undefined = async () => {
      await b.flush(); // moves B's 5 from its lease to the settled sum
    };
    // A's grant reads the settled sums, then the leases: B's flush lands between the two.
    const racing = new Proxy(kv, {
      get(target, prop) {
        if (prop === "list") {
          return (...args: Parameters<Deno.Kv["list"]>) => {
            const run = interleave;
            interleave = undefined;
            const list = () => target.list(...args);
            if (!run) return list();
            return (async function* () {
              await run();
              yield* list();
            })();
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const later = T0 + 31_000; // by A's clock B's lease has expired: only the settled 5 count
    const a = new Quotas({ kv: racing, settings: whole, now: () => later, instance: "a" });
    assert.equal(await drain(a, quota, one), 5, "10 less the 5 B settled, never 10");
  });
});
