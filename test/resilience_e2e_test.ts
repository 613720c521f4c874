/**
 * Failover, breakers and stream safety against local fault-injecting upstreams: each test
 * asserts the exact sequence of attempts and exactly what the client receives.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startGateway, type Upstream } from "./_harness.ts";
import { chunk, fail, hang, ok, resetStream, stream } from "./_faults.ts";
import { type RawHandler, startRawUpstream } from "./_raw_upstream.ts";

type Handler = RawHandler;

async function scenario(
  handlers: Record<string, Handler>,
  yaml: (urls: Record<string, string>) => string,
  run: (ctx: {
    url: string;
    upstreams: Record<string, Upstream>;
    gateway: Awaited<ReturnType<typeof startGateway>>;
  }) => Promise<void>,
) {
  const upstreams = Object.fromEntries(
    // Raw upstreams: a connection reset is a closed socket, as on the wire, and quiet.
    Object.entries(handlers).map(([name, handler]) => [name, startRawUpstream(handler)]),
  );
  const urls = Object.fromEntries(Object.entries(upstreams).map(([n, u]) => [n, u.url]));
  const gateway = await startGateway(yaml(urls));
  try {
    await run({ url: gateway.url, upstreams, gateway });
  } finally {
    await gateway.close();
    await Promise.all(Object.values(upstreams).map((u) => u.close()));
  }
}

/** Channels a (priority 1), b (priority 2), ... in the order given. */
const channels = (urls: Record<string, string>, extra = "", settings = "") => `
defaults: { timeout: 400ms, retry: 2 }
routing: { breaker: { failures: 3, cooldown: 300ms } ${settings} }
channels:
${
  Object.entries(urls).map(([name, url], i) =>
    `  - { name: ${name}, plugin: openai, base_url: "${url}", keys: [k-${name}], models: [m], priority: ${
      i + 1
    } ${extra} }`
  ).join("\n")
}
`;

const ask = (url: string, body: Record<string, unknown> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }], ...body }),
  });

Deno.test("failover: 5xx retries the same channel up to `retry`, then moves on", async () => {
  await scenario({ a: () => fail(500), b: () => ok("from b") }, (u) => channels(u), async (t) => {
    const res = await ask(t.url);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).choices[0].message.content, "from b");
    assert.equal(t.upstreams.a.received.length, 3); // first try + 2 retries
    assert.equal(t.upstreams.b.received.length, 1);
    assert.equal(res.headers.get("x-sluice-channel"), "b");
    assert.equal(res.headers.get("x-sluice-attempts"), "4");
  });
});

Deno.test("failover: 429 moves on at once and honours Retry-After as a cooldown", async () => {
  await scenario(
    { a: () => fail(429, { "retry-after": "30" }), b: () => ok("from b") },
    (u) => channels(u),
    async (t) => {
      const first = await ask(t.url);
      assert.equal(first.headers.get("x-sluice-attempts"), "2");
      await first.body?.cancel();
      assert.equal(t.upstreams.a.received.length, 1);
      const snapshot = t.gateway.holder.current.health.snapshot("a");
      assert.equal(snapshot.state, "open");
      assert.ok(snapshot.open_until! - Date.now() > 25_000);
      // While cooling down, a is not tried at all.
      const second = await ask(t.url);
      assert.equal(second.headers.get("x-sluice-attempts"), "1");
      await second.body?.cancel();
      assert.equal(t.upstreams.a.received.length, 1);
    },
  );
});

Deno.test("failover: 401 sets the key aside and the next key is used", async () => {
  await scenario(
    {
      a: (req) => req.headers.get("authorization") === "Bearer bad" ? fail(401) : ok(`key ok`),
    },
    (u) => `
channels:
  - { name: a, plugin: openai, base_url: "${u.a}", keys: [bad, good], models: [m] }
`,
    async (t) => {
      const res = await ask(t.url);
      // The rejected key moves the request on; with no other channel it fails this time...
      assert.equal(res.status, 502);
      await res.body?.cancel();
      // ...and every later request skips the rejected key.
      for (let i = 0; i < 3; i++) {
        const again = await ask(t.url);
        assert.equal(again.status, 200);
        await again.body?.cancel();
      }
      const keys = t.upstreams.a.received.map((r) => r.headers.get("authorization"));
      assert.deepEqual(keys, ["Bearer bad", "Bearer good", "Bearer good", "Bearer good"]);
    },
  );
});

Deno.test("failover: a hung upstream times out and the next channel answers in time", async () => {
  await scenario(
    { a: (req) => hang(req), b: () => ok("from b") },
    (u) => channels(u),
    async (t) => {
      const started = performance.now();
      const res = await ask(t.url);
      const elapsed = performance.now() - started;
      assert.equal(res.status, 200);
      await res.body?.cancel();
      assert.equal(t.upstreams.a.received.length, 1); // timeouts move on without retrying
      assert.ok(elapsed >= 390 && elapsed < 1_500, `took ${elapsed}ms`);
    },
  );
});

Deno.test("failover: other 4xx go back to the client unchanged", async () => {
  await scenario({ a: () => fail(422), b: () => ok("from b") }, (u) => channels(u), async (t) => {
    const res = await ask(t.url);
    assert.equal(res.status, 422);
    assert.equal((await res.json()).error.message, "boom 422");
    assert.equal(t.upstreams.b.received.length, 0);
  });
});

Deno.test("failover: nothing left → 502 listing every attempt, never a key", async () => {
  await scenario(
    { a: () => fail(503), b: () => fail(500) },
    (u) => channels(u, ", retry: 0"),
    async (t) => {
      const res = await ask(t.url);
      assert.equal(res.status, 502);
      const body = await res.json();
      assert.equal(body.error.code, "all_upstreams_failed");
      assert.deepEqual(
        body.error.attempts.map((a: { channel: string; status: number }) => [a.channel, a.status]),
        [
          ["a", 503],
          ["b", 500],
        ],
      );
      assert.match(body.error.message, /#1 a → 503 boom 503; #2 b → 500 boom 500/);
      assert.doesNotMatch(JSON.stringify(body), /k-a|k-b/);
    },
  );
});

Deno.test("failover: every attempt timing out → 504", async () => {
  await scenario({ a: (req) => hang(req) }, (u) => channels(u), async (t) => {
    const res = await ask(t.url);
    assert.equal(res.status, 504);
    assert.equal((await res.json()).error.code, "upstream_timeout");
  });
});

Deno.test("failover: attempts stop at max_total_time", async () => {
  await scenario(
    { a: (req) => hang(req), b: (req) => hang(req), c: (req) => hang(req), d: () => ok("late") },
    (u) => channels(u, "", ", max_total_time: 1s"),
    async (t) => {
      const started = performance.now();
      const res = await ask(t.url);
      const elapsed = performance.now() - started;
      assert.equal(res.status, 504);
      await res.body?.cancel();
      assert.ok(elapsed < 1_300, `took ${elapsed}ms`);
      assert.equal(t.upstreams.d.received.length, 0);
    },
  );
});

Deno.test("breaker: repeated failures open it, then a half-open probe closes it", async () => {
  let healthy = false;
  await scenario(
    { a: () => (healthy ? ok("a is back") : fail(500)), b: () => ok("from b") },
    (u) => channels(u, ", retry: 0"),
    async (t) => {
      const health = t.gateway.holder.current.health;
      for (let i = 0; i < 3; i++) await (await ask(t.url)).body?.cancel();
      assert.equal(health.state("a"), "open");
      assert.equal(t.upstreams.a.received.length, 3);
      await (await ask(t.url)).body?.cancel();
      assert.equal(t.upstreams.a.received.length, 3, "an open breaker is skipped");
      await new Promise((r) => setTimeout(r, 350));
      assert.equal(health.state("a"), "half_open");
      healthy = true;
      const probe = await ask(t.url);
      assert.equal((await probe.json()).choices[0].message.content, "a is back");
      assert.equal(health.state("a"), "closed");
    },
  );
});

Deno.test("breaker: with every channel cooling down, they are tried anyway (panic mode)", async () => {
  let healthy = false;
  await scenario(
    { a: () => (healthy ? ok("a is back") : fail(500)) },
    (u) => channels(u, ", retry: 0", ", max_attempts: 1"),
    async (t) => {
      for (let i = 0; i < 3; i++) await (await ask(t.url)).body?.cancel();
      assert.equal(t.gateway.holder.current.health.state("a"), "open");
      // No other channel can take the request, so the open one is tried rather than refusing.
      const still = await ask(t.url);
      assert.equal(still.status, 502);
      await still.body?.cancel();
      assert.equal(t.upstreams.a.received.length, 4);
      healthy = true;
      const back = await ask(t.url);
      assert.equal((await back.json()).choices[0].message.content, "a is back");
      assert.equal(t.gateway.holder.current.health.state("a"), "closed");
    },
  );
});

Deno.test("streams: a 200 whose first event is an error fails over before any byte", async () => {
  await scenario(
    {
      a: () => stream([{ error: { message: "overloaded", code: 503 } }]),
      b: () => stream([chunk("hi"), chunk("", "stop")]),
    },
    (u) => channels(u, ", retry: 0"),
    async (t) => {
      const res = await ask(t.url, { stream: true });
      assert.equal(res.headers.get("x-sluice-channel"), "b");
      const text = await res.text();
      assert.match(text, /"content":"hi"/);
      assert.doesNotMatch(text, /overloaded/);
    },
  );
});

Deno.test("streams: a slow first byte fails over within the timeout", async () => {
  await scenario(
    {
      a: (req) => stream([chunk("slow")], { firstDelayMs: 2_000 }, req.signal),
      b: () => stream([chunk("fast"), chunk("", "stop")]),
    },
    (u) => channels(u),
    async (t) => {
      const started = performance.now();
      const res = await ask(t.url, { stream: true });
      assert.equal(res.headers.get("x-sluice-channel"), "b");
      assert.match(await res.text(), /fast/);
      assert.ok(performance.now() - started < 1_200);
    },
  );
});

Deno.test("streams: a reset after the first byte ends the client stream with an error event", async () => {
  await scenario(
    { a: () => resetStream([chunk("part")], 30), b: () => ok("unused") },
    (u) => channels(u),
    async (t) => {
      const res = await ask(t.url, { stream: true });
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /"content":"part"/);
      assert.match(text, /data: \{"error":\{"message":"Upstream stream failed/);
      assert.equal(t.upstreams.b.received.length, 0, "no failover after the first byte");
      const [record] = await t.gateway.recorded(1);
      assert.match(record.error ?? "", /Upstream stream failed/);
    },
  );
});

Deno.test("streams: an upstream silent mid-stream is ended after the idle timeout", async () => {
  await scenario(
    { a: (req) => stream([chunk("part")], { then: "stall" }, req.signal) },
    (u) => channels(u).replace("retry: 2 }", "retry: 2, stream_idle_timeout: 300ms }"),
    async (t) => {
      const started = performance.now();
      const res = await ask(t.url, { stream: true });
      const text = await res.text();
      assert.match(text, /silent for 0\.3s/);
      assert.ok(performance.now() - started < 1_500);
    },
  );
});

Deno.test("streams: the SDK sees a mid-stream error as an error, not a silent end", async () => {
  await scenario(
    { a: () => resetStream([chunk("part")], 30) },
    (u) => channels(u),
    async (t) => {
      const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: "x", maxRetries: 0 });
      const parts: string[] = [];
      await assert.rejects(async () => {
        const s = await client.chat.completions.create({
          model: "m",
          messages: [{ role: "user", content: "x" }],
          stream: true,
        });
        for await (const p of s) parts.push(p.choices[0]?.delta?.content ?? "");
      }, /Upstream stream failed/);
      assert.deepEqual(parts, ["part"]);
    },
  );
});

Deno.test("streams: a client that disconnects aborts the upstream call", async () => {
  let upstreamAborted: Promise<void> | undefined;
  await scenario(
    {
      a: (req) => {
        upstreamAborted = new Promise((resolve) =>
          req.signal.addEventListener("abort", () => resolve())
        );
        return stream(
          Array.from({ length: 50 }, (_, i) => chunk(`w${i}`)),
          { gapMs: 50 },
          req.signal,
        );
      },
    },
    (u) => channels(u),
    async (t) => {
      const controller = new AbortController();
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({
          model: "m",
          stream: true,
          messages: [{ role: "user", content: "x" }],
        }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await Promise.race([
        upstreamAborted,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error("upstream never aborted")), 2_000)
        ),
      ]);
      const [record] = await t.gateway.recorded(1);
      assert.equal(record.status, 499);
      assert.equal(t.gateway.holder.current.health.state("a"), "closed", "not the channel's fault");
    },
  );
});

Deno.test("limits: a response over max_response_bytes is refused with 502", async () => {
  await scenario(
    { a: () => ok("x".repeat(4096)) },
    (u) => channels(u).replace("retry: 2 }", "retry: 2, max_response_bytes: 1KiB }"),
    async (t) => {
      const res = await ask(t.url);
      assert.equal(res.status, 502);
      assert.equal((await res.json()).error.code, "response_too_large");
    },
  );
});

Deno.test("routing: max_context_tokens skips channels the prompt would overflow", async () => {
  await scenario(
    { small: () => ok("small"), big: () => ok("big") },
    (u) => `
channels:
  - { name: small, plugin: openai, base_url: "${u.small}", keys: [k], models: [m], priority: 1, max_context_tokens: 50 }
  - { name: big, plugin: openai, base_url: "${u.big}", keys: [k], models: [m], priority: 2, max_context_tokens: 100000 }
`,
    async (t) => {
      const short = await ask(t.url);
      assert.equal(short.headers.get("x-sluice-channel"), "small");
      await short.body?.cancel();
      const long = await ask(t.url, { messages: [{ role: "user", content: "word ".repeat(200) }] });
      assert.equal(long.headers.get("x-sluice-channel"), "big");
      await long.body?.cancel();
      const huge = await ask(t.url, {
        messages: [{ role: "user", content: "word ".repeat(100_000) }],
      });
      assert.equal(huge.status, 400);
      assert.equal((await huge.json()).error.code, "context_length_exceeded");
    },
  );
});

Deno.test("routing: the cost strategy picks the cheapest channel first", async () => {
  await scenario(
    { pricey: () => ok("pricey"), cheap: () => ok("cheap") },
    (u) => `
routing: { strategy: cost }
channels:
  - { name: pricey, plugin: openai, base_url: "${u.pricey}", keys: [k], models: [m], price: { input: 5, output: 15 } }
  - { name: cheap, plugin: openai, base_url: "${u.cheap}", keys: [k], models: [m], price: { input: 10, output: 20, models: { m: { input: 0.1, output: 0.2 } } } }
`,
    async (t) => {
      for (let i = 0; i < 5; i++) {
        const res = await ask(t.url);
        assert.equal(res.headers.get("x-sluice-channel"), "cheap");
        await res.body?.cancel();
      }
    },
  );
});

Deno.test("routing: the latency strategy prefers the faster channel once measured", async () => {
  await scenario(
    {
      slow: async () => {
        await new Promise((r) => setTimeout(r, 80));
        return ok("slow");
      },
      fast: () => ok("fast"),
    },
    (u) => `
routing: { models: { m: { strategy: latency } } }
channels:
  - { name: slow, plugin: openai, base_url: "${u.slow}", keys: [k], models: [m] }
  - { name: fast, plugin: openai, base_url: "${u.fast}", keys: [k], models: [m] }
`,
    async (t) => {
      // Unmeasured channels go first, so both get measured within the first requests.
      for (let i = 0; i < 3; i++) await (await ask(t.url)).body?.cancel();
      const served = [];
      for (let i = 0; i < 5; i++) {
        const res = await ask(t.url);
        served.push(res.headers.get("x-sluice-channel"));
        await res.body?.cancel();
      }
      assert.deepEqual(served, ["fast", "fast", "fast", "fast", "fast"]);
    },
  );
});

Deno.test("admin: /admin/providers/{model} and /health show breaker state", async () => {
  await scenario(
    { a: () => fail(500), b: () => ok("b") },
    (u) => channels(u, ", retry: 0").replace("defaults:", "admin: { key: adm }\ndefaults:"),
    async (t) => {
      for (let i = 0; i < 3; i++) await (await ask(t.url)).body?.cancel();
      const providers = await fetch(`${t.url}/admin/providers/m`, {
        headers: { authorization: "Bearer adm" },
      });
      const body = await providers.json();
      assert.equal(body.model, "m");
      assert.deepEqual(
        body.providers.map((p: { channel: string; state: string }) => [p.channel, p.state]),
        [
          ["b", "closed"],
          ["a", "open"],
        ],
      );
      const health = await (await fetch(`${t.url}/health`)).json();
      assert.equal(health.status, "ok");
      assert.equal(health.channels.find((c: { name: string }) => c.name === "a").state, "open");
      const unknown = await fetch(`${t.url}/admin/providers/nope`, {
        headers: { authorization: "Bearer adm" },
      });
      assert.equal(unknown.status, 404);
      await unknown.body?.cancel();
      const probe = await fetch(`${t.url}/health?probe=1`);
      assert.equal(probe.status, 401);
      await probe.body?.cancel();
    },
  );
});

Deno.test("streams: a relayed stream cut off before its finish ends in an error, not [DONE]", async () => {
  await scenario(
    {
      a: () =>
        new Response(`data: ${JSON.stringify(chunk("cut"))}\n\n`, {
          headers: { "content-type": "text/event-stream" },
        }),
    },
    (u) => channels(u),
    async (t) => {
      const text = await (await ask(t.url, { stream: true })).text();
      assert.match(text, /"content":"cut"/);
      assert.match(text, /ended before it finished \(truncated\)/);
      assert.doesNotMatch(text, /\[DONE\]/);
    },
  );
});

Deno.test("breaker: a request a plugin refuses (4xx verdict) never counts against the channel", async () => {
  await scenario(
    { a: () => ok("unused") },
    (u) => `
channels:
  - { name: a, plugin: anthropic, base_url: "${u.a}", keys: [k], models: [m] }
`,
    async (t) => {
      for (let i = 0; i < 5; i++) {
        // Anthropic has no `n`: the plugin refuses before any upstream call.
        const res = await ask(t.url, { n: 2 });
        assert.equal(res.status, 400);
        await res.body?.cancel();
      }
      assert.equal(t.gateway.holder.current.health.state("a"), "closed");
      assert.equal(t.upstreams.a.received.length, 0);
    },
  );
});
