/**
 * Quotas through the running gateway: 429s shaped as each client API shapes them, token
 * reservations that stop concurrent overspend, channels skipped when theirs is spent, the quota
 * strategy, the admin reset — and the acceptance test of Step 6: two gateway processes on one KV
 * file, 200 concurrent requests against a key allowed 50, counts that add up exactly after a
 * SIGTERM, and nothing lost across a restart.
 */
import assert from "node:assert/strict";
import { chatCompletion, startGateway, startUpstream } from "./_harness.ts";
import { startMain } from "./ops_process.ts";

const chat = (url: string, key: string, model = "m", extra: Record<string, unknown> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "x" }], ...extra }),
  });

async function status(res: Response): Promise<number> {
  await res.body?.cancel();
  return res.status;
}

Deno.test("quota: a key over its request limit gets 429 with Retry-After, in its API's shape", async () => {
  const upstream = startUpstream(() => Response.json(chatCompletion("ok")));
  const gateway = await startGateway(`
channels:
  - { name: c, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
keys:
  - { name: alice, key: sk-alice, limits: { requests: 3, reset: "0 0 * * *" } }
`);
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal(await status(await chat(gateway.url, "sk-alice")), 200);
    }
    const refused = await chat(gateway.url, "sk-alice");
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(retryAfter > 0 && retryAfter <= 86_400, String(retryAfter));
    const body = await refused.json();
    assert.equal(body.error.code, "quota_exceeded");
    assert.match(body.error.message, /Key "alice" has used its quota until/);
    const anthropic = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-alice" },
      body: JSON.stringify({
        model: "m",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
      }),
    });
    assert.equal(anthropic.status, 429);
    assert.equal((await anthropic.json()).error.type, "rate_limit_error");
    assert.equal(upstream.received.length, 3, "a refused request never reached the upstream");
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("quota: tokens are reserved before the call, so concurrent requests cannot overspend", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const upstream = startUpstream(async () => {
    await gate;
    return Response.json(chatCompletion("ok", "m", { p: 5, c: 5 }));
  });
  const gateway = await startGateway(`
channels:
  - { name: c, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
keys:
  - { name: bob, key: sk-bob, limits: { tokens: 1000 } }
`);
  try {
    // Each reserves its prompt plus max_tokens 300: three fit in 1000, the rest are refused,
    // although none has used anything yet (new-api #5690: "50 × 100 against 1000 spends 5000").
    const answers = Array.from(
      { length: 10 },
      () => chat(gateway.url, "sk-bob", "m", { max_tokens: 300 }).then(status),
    );
    await new Promise((r) => setTimeout(r, 100));
    release();
    const statuses = await Promise.all(answers);
    assert.equal(statuses.filter((s) => s === 200).length, 3, String(statuses));
    assert.equal(statuses.filter((s) => s === 429).length, 7);
    // Settled at what they used (10 tokens each), so the budget is mostly free again.
    assert.equal(await status(await chat(gateway.url, "sk-bob", "m", { max_tokens: 300 })), 200);
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("quota: a channel whose quota is spent is skipped; the admin reset brings it back", async () => {
  const upstream = startUpstream((request) =>
    Response.json(chatCompletion(new URL(request.url).pathname.split("/")[1]))
  );
  const gateway = await startGateway(`
admin: { key: sk-admin }
channels:
  - { name: a, plugin: openai, base_url: "${upstream.url}/a", keys: [k], models: [m], priority: 1, limits: { requests: 2 } }
  - { name: b, plugin: openai, base_url: "${upstream.url}/b", keys: [k], models: [m], priority: 2, limits: { requests: 1 } }
`);
  try {
    const served: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await chat(gateway.url, "any");
      served.push(res.headers.get("x-sluice-channel"));
      await res.body?.cancel();
    }
    assert.deepEqual(served, ["a", "a", "b"]);
    const spent = await chat(gateway.url, "any");
    assert.equal(spent.status, 429);
    assert.match((await spent.json()).error.code, /quota_exceeded/);
    const reset = await fetch(`${gateway.url}/admin/usage/reset`, {
      method: "POST",
      headers: { authorization: "Bearer sk-admin" },
      body: JSON.stringify({ scope: "channel", name: "a" }),
    });
    assert.equal(reset.status, 200);
    assert.equal((await reset.json()).quota[0].remaining, 2);
    const again = await chat(gateway.url, "any");
    assert.equal(again.headers.get("x-sluice-channel"), "a");
    await again.body?.cancel();
    const unknown = await fetch(`${gateway.url}/admin/usage/reset`, {
      method: "POST",
      headers: { authorization: "Bearer sk-admin" },
      body: JSON.stringify({ scope: "key", name: "nobody" }),
    });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("quota: the quota strategy prefers the channel with the most left", async () => {
  const upstream = startUpstream((request) =>
    Response.json(chatCompletion(new URL(request.url).pathname.split("/")[1]))
  );
  const gateway = await startGateway(`
routing: { strategy: quota }
channels:
  - { name: a, plugin: openai, base_url: "${upstream.url}/a", keys: [k], models: [m], limits: { requests: 10 } }
  - { name: b, plugin: openai, base_url: "${upstream.url}/b", keys: [k], models: [m], limits: { requests: 20 } }
`);
  try {
    const served: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await chat(gateway.url, "any");
      served.push(res.headers.get("x-sluice-channel")!);
      await res.body?.cancel();
    }
    // Always the larger share left (ties either way): used(b) ≈ 2 × used(a), as 20 is to 10.
    const a = served.filter((s) => s === "a").length;
    assert.ok(a >= 3 && a <= 5, served.join(","));
    assert.equal(served.length - a, 12 - a);
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("quota: two gateway processes on one KV file serve no more than the limit, and count exactly", async () => {
  const upstream = startUpstream(() => Response.json(chatCompletion("ok", "m", { p: 7, c: 3 })));
  const dir = await Deno.makeTempDir();
  const config = `${dir}/gw.yaml`;
  await Deno.writeTextFile(
    config,
    `
admin: { key: sk-admin }
log: { requests: false }
usage: { flush_interval: 200ms }
quotas: { slice: 0.1 }
channels:
  - { name: c, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
keys:
  - { name: alice, key: sk-alice, limits: { requests: 50 } }
`,
  );
  // Under data/, where `deno task start` may write (a store elsewhere needs its own --allow-write).
  const store = `data/quota-test-${crypto.randomUUID()}.kv`;
  const env = { SLUICE_KV: store };
  const first = await startMain({ args: ["--config", config], env });
  const second = await startMain({ args: ["--config", config], env });
  try {
    const statuses = await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) => chat((i % 2 ? first : second).url, "sk-alice").then(status),
      ),
    );
    const served = statuses.filter((s) => s === 200).length;
    // The stated bound is instances × slice (2 × 5) over the limit; leases make it exact here.
    assert.ok(served <= 50 + 2 * 5, `served ${served}`);
    assert.equal(served, 50);
    const counts: Record<number, number> = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    assert.equal(statuses.filter((s) => s === 429).length, 150, JSON.stringify(counts));
    assert.equal(upstream.received.length, served);

    // SIGTERM flushes the ledger and the quotas; a restart reads them back.
    first.process.kill("SIGTERM");
    second.process.kill("SIGTERM");
    assert.equal((await first.process.status).code, 0);
    assert.equal((await second.process.status).code, 0);
    const restarted = await startMain({ args: ["--config", config], env });
    try {
      const stats = await (await fetch(`${restarted.url}/admin/stats?window=1h`, {
        headers: { authorization: "Bearer sk-admin" },
      })).json();
      const alice = stats.keys.find((k: { name: string }) => k.name === "alice");
      assert.equal(alice.requests, 200);
      assert.equal(alice.success, 50);
      assert.equal(alice.failure, 150);
      assert.equal(alice.prompt_tokens, 50 * 7);
      assert.equal(alice.completion_tokens, 50 * 3);
      assert.equal(alice.quota[0].remaining, 0);
      assert.equal(await status(await chat(restarted.url, "sk-alice")), 429);
    } finally {
      await restarted.kill();
    }
  } finally {
    await first.kill();
    await second.kill();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
    for (const suffix of ["", "-shm", "-wal"]) {
      await Deno.remove(new URL(`../${store}${suffix}`, import.meta.url)).catch(() => {});
    }
  }
});
