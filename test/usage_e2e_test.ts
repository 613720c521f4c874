/**
 * Usage is money: every provider's own final-usage form counted through the gateway, streams cut
 * by either side billed by the stated policy (reported where reported, estimated and marked where
 * not, the gateway's error text never), the cost of a request in `x-sluice-cost`, and the ledger
 * read back through `/stats` and `/admin/stats`.
 */
import assert from "node:assert/strict";
import { tokenCounter } from "../src/usage/estimate.ts";
import { chatCompletion, startGateway, startUpstream } from "./_harness.ts";
import { chunk, resetStream } from "./_faults.ts";
import { ResetBody, startRawUpstream } from "./_raw_upstream.ts";

const ask = (
  url: string,
  model: string,
  extra: Record<string, unknown> = {},
  path = "/v1/chat/completions",
) =>
  fetch(`${url}${path}`, {
    method: "POST",
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: "Tell me a story" }],
      ...extra,
    }),
  });

/** An SSE body from named or unnamed events. */
function sse(events: ({ event?: string; data: unknown } | unknown)[]): Response {
  const text = events.map((e) => {
    const named = e as { event?: string; data?: unknown };
    if (named && typeof named === "object" && "data" in named && "event" in named) {
      return `event: ${named.event}\ndata: ${JSON.stringify(named.data)}\n\n`;
    }
    return `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`;
  }).join("");
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

interface UsageCase {
  name: string;
  plugin: string;
  path: string;
  events: unknown[];
  expected: { prompt: number; completion: number; cached?: number; reasoning?: number };
  client?: string;
}

const CASES: UsageCase[] = [
  {
    // LiteLLM #36168 dropped this: the usage rides on a chunk whose choices are not empty.
    name: "an OpenAI chunk with usage and non-empty choices",
    plugin: "openai",
    path: "/v1",
    events: [
      chunk("Hi"),
      {
        ...chunk("", "stop"),
        usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 },
      },
      "[DONE]",
    ],
    expected: { prompt: 11, completion: 3 },
  },
  {
    name: "Azure: a first chunk of prompt filter results, usage after the finish",
    plugin: "azure",
    path: "",
    events: [
      { id: "", object: "", created: 0, model: "", choices: [], prompt_filter_results: [] },
      chunk("Hi"),
      chunk("", "stop"),
      {
        ...chunk(""),
        choices: [],
        usage: {
          prompt_tokens: 20,
          completion_tokens: 5,
          total_tokens: 25,
          prompt_tokens_details: { cached_tokens: 8 },
          completion_tokens_details: { reasoning_tokens: 2 },
        },
      },
      "[DONE]",
    ],
    expected: { prompt: 20, completion: 5, cached: 8, reasoning: 2 },
  },
  {
    name: "DeepSeek: cache hits in prompt_cache_hit_tokens",
    plugin: "deepseek",
    path: "/v1",
    events: [
      chunk("Hi", "stop"),
      {
        ...chunk(""),
        choices: [],
        usage: {
          prompt_tokens: 30,
          completion_tokens: 4,
          total_tokens: 34,
          prompt_cache_hit_tokens: 24,
          prompt_cache_miss_tokens: 6,
        },
      },
      "[DONE]",
    ],
    expected: { prompt: 30, completion: 4, cached: 24 },
  },
  {
    name: "Moonshot: usage inside choices[0], as older Kimi streams send it",
    plugin: "moonshot",
    path: "/v1",
    events: [
      chunk("Hi"),
      {
        ...chunk("", "stop"),
        choices: [{
          index: 0,
          delta: {},
          finish_reason: "stop",
          usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, cached_tokens: 4 },
        }],
      },
      "[DONE]",
    ],
    expected: { prompt: 9, completion: 2, cached: 4 },
  },
  {
    name: "Zhipu: usage only in the last chunk, chunks without `object`",
    plugin: "zhipu",
    path: "/api/paas/v4",
    events: [
      { id: "z", created: 1, model: "glm", choices: [{ index: 0, delta: { content: "Hi" } }] },
      {
        id: "z",
        created: 1,
        model: "glm",
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 },
      },
      "[DONE]",
    ],
    expected: { prompt: 7, completion: 1 },
  },
  {
    name: "DashScope: usage in a final chunk with empty choices",
    plugin: "dashscope",
    path: "/compatible-mode/v1",
    events: [
      chunk("Hi", "stop"),
      {
        ...chunk(""),
        choices: [],
        usage: {
          prompt_tokens: 15,
          completion_tokens: 6,
          total_tokens: 21,
          prompt_tokens_details: { cached_tokens: 5 },
        },
      },
      "[DONE]",
    ],
    expected: { prompt: 15, completion: 6, cached: 5 },
  },
  {
    name: "Gemini: usageMetadata with cached and thinking tokens",
    plugin: "gemini",
    path: "/v1beta",
    events: [
      { candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }] },
      {
        candidates: [{ content: { role: "model", parts: [{ text: "!" }] }, finishReason: "STOP" }],
        usageMetadata: {
          promptTokenCount: 40,
          candidatesTokenCount: 10,
          thoughtsTokenCount: 6,
          cachedContentTokenCount: 12,
          totalTokenCount: 56,
        },
      },
    ],
    expected: { prompt: 40, completion: 16, cached: 12, reasoning: 6 },
  },
  {
    name: "Anthropic: input in message_start, output in message_delta",
    plugin: "anthropic",
    path: "/v1",
    events: [
      {
        event: "message_start",
        data: {
          type: "message_start",
          message: {
            id: "msg_1",
            type: "message",
            role: "assistant",
            model: "claude",
            content: [],
            stop_reason: null,
            usage: { input_tokens: 25, cache_read_input_tokens: 5, output_tokens: 1 },
          },
        },
      },
      {
        event: "content_block_start",
        data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      },
      {
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
      },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      {
        event: "message_delta",
        data: {
          type: "message_delta",
          delta: { stop_reason: "end_turn" },
          usage: { output_tokens: 12 },
        },
      },
      { event: "message_stop", data: { type: "message_stop" } },
    ],
    // Anthropic's input_tokens exclude cache reads; the gateway's prompt counts them in.
    expected: { prompt: 30, completion: 12, cached: 5 },
  },
];

for (const c of CASES) {
  Deno.test(`usage: ${c.name} lands in the record`, async () => {
    const upstream = startUpstream(() => sse(c.events));
    const gateway = await startGateway(`
channels:
  - { name: up, plugin: ${c.plugin}, base_url: "${upstream.url}${c.path}", keys: [k], models: [m] }
`);
    try {
      const res = await ask(gateway.url, "m", { stream: true });
      assert.equal(res.status, 200);
      const text = await res.text();
      // The usage the gateway asked for never reaches a client that did not ask. (Older
      // Moonshot streams put usage inside the choice, asked or not: the provider's own format.)
      assert.ok(!/"usage"/.test(text) || c.plugin === "moonshot", text);
      const [record] = await gateway.recorded(1);
      assert.deepEqual(
        { ...record.usage },
        { ...c.expected },
        `${c.name}: ${JSON.stringify(record.usage)}`,
      );
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
}

Deno.test("usage: a client that leaves mid-stream is billed the relayed text, marked estimated", async () => {
  const words = ["Once", " upon", " a", " time", " there", " was", " a", " gateway"];
  const upstream = startUpstream(() => {
    const encoder = new TextEncoder();
    let i = 0;
    return new Response(
      new ReadableStream({
        async pull(controller) {
          await new Promise((r) => setTimeout(r, 30));
          if (i < words.length) {
            controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk(words[i++]))}\n\n`));
          } else controller.close();
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
  });
  const gateway = await startGateway(`
channels:
  - { name: up, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
`);
  try {
    const res = await ask(gateway.url, "m", { stream: true });
    const reader = res.body!.getReader();
    const seen: string[] = [];
    const decoder = new TextDecoder();
    while (seen.join("").split("data:").length < 4) {
      seen.push(decoder.decode((await reader.read()).value));
    }
    await reader.cancel();
    const [record] = await gateway.recorded(1);
    assert.equal(record.status, 499);
    assert.equal(record.usage?.estimated, true);
    const count = await tokenCounter();
    assert.ok(record.usage!.completion >= 3 && record.usage!.completion <= count(words.join("")));
    assert.equal(record.usage!.prompt, count("Tell me a story"));
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("usage: an upstream cut mid-stream bills what it sent, never the gateway's error text", async () => {
  const relayed = ["The quick brown", " fox jumps"];
  const upstream = startRawUpstream(() => resetStream(relayed.map((w) => chunk(w)), 10));
  const gateway = await startGateway(`
defaults: { retry: 0 }
channels:
  - { name: up, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
`);
  try {
    const res = await ask(gateway.url, "m", { stream: true });
    const text = await res.text();
    assert.match(text, /"error"/);
    const [record] = await gateway.recorded(1);
    const count = await tokenCounter();
    assert.deepEqual(record.usage, {
      prompt: count("Tell me a story"),
      completion: count(relayed.join("")),
      estimated: true,
    });
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("usage: a native Anthropic stream cut after message_start keeps the reported input", async () => {
  const upstream = startRawUpstream(() =>
    new ResetBody([
      `event: message_start\ndata: ${
        JSON.stringify({
          type: "message_start",
          message: {
            id: "m",
            type: "message",
            role: "assistant",
            model: "c",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 321, output_tokens: 1 },
          },
        })
      }\n\n`,
      `event: content_block_delta\ndata: ${
        JSON.stringify({
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: "Seven words are streamed right here now" },
        })
      }\n\n`,
    ], 5)
  );
  const gateway = await startGateway(`
defaults: { retry: 0 }
channels:
  - { name: claude, plugin: anthropic, base_url: "${upstream.url}/v1", keys: [k], models: [c] }
`);
  try {
    const res = await ask(gateway.url, "c", { stream: true, max_tokens: 50 }, "/v1/messages");
    await res.text();
    const [record] = await gateway.recorded(1);
    const count = await tokenCounter();
    assert.deepEqual(record.usage, {
      prompt: 321,
      completion: count("Seven words are streamed right here now"),
      estimated: true,
    });
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("usage: a whole answer carries its cost in x-sluice-cost, priced with cached input apart", async () => {
  const upstream = startUpstream(() => {
    const answer = chatCompletion("ok", "m", { p: 2000, c: 500 });
    (answer.usage as Record<string, unknown>).prompt_tokens_details = { cached_tokens: 1000 };
    return Response.json(answer);
  });
  const gateway = await startGateway(`
channels:
  - name: up
    plugin: openai
    base_url: "${upstream.url}"
    keys: [k]
    models: [m]
    price: { input: 2, output: 10, cached_input: 0.5 }
`);
  try {
    const res = await ask(gateway.url, "m");
    await res.body?.cancel();
    assert.equal(res.headers.get("x-sluice-cost"), "0.0075");
    const [record] = await gateway.recorded(1);
    assert.equal(record.costUsd, 0.0075);
    assert.equal(record.upstreamModel, "m");
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("usage: the ledger is read back through /stats and /admin/stats", async () => {
  const upstream = startUpstream((request) =>
    new URL(request.url).pathname.startsWith("/broken")
      ? Response.json({ error: { message: "down" } }, { status: 500 })
      : Response.json(chatCompletion("ok", "m", { p: 10, c: 5 }))
  );
  const gateway = await startGateway(`
admin: { key: sk-admin }
defaults: { retry: 0 }
channels:
  - { name: good, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m], price: { input: 1, output: 1 } }
  - { name: bad, plugin: openai, base_url: "${upstream.url}/broken", keys: [k], models: [x] }
keys:
  - { name: alice, key: sk-alice, limits: { requests: 100 } }
`);
  try {
    const headers = { authorization: "Bearer sk-alice" };
    for (let i = 0; i < 4; i++) {
      await (await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
      })).body?.cancel();
    }
    await (await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: "x", messages: [{ role: "user", content: "x" }] }),
    })).body?.cancel();
    await gateway.recorded(5);
    await gateway.ledger.flush();
    const stats = await (await fetch(`${gateway.url}/stats?window=1h`)).json();
    assert.equal(stats.totals.requests, 5);
    assert.equal(stats.totals.failure, 1);
    assert.equal(stats.totals.http, 5);
    assert.equal(stats.totals.prompt_tokens, 40);
    const good = stats.channels.find((c: { name: string }) => c.name === "good");
    assert.equal(good.success, 4);
    assert.equal(good.breaker, "closed");
    assert.ok(good.latency_ms.p50 > 0);
    const admin = await (await fetch(`${gateway.url}/admin/stats`, {
      headers: { authorization: "Bearer sk-admin" },
    })).json();
    assert.equal(admin.models.m.channels.good.requests, 4);
    assert.equal(admin.models.m.channels.good.cost_usd, 0.00006);
    const alice = admin.keys.find((k: { name: string }) => k.name === "alice");
    assert.equal(alice.requests, 5);
    assert.equal(alice.quota[0].metric, "requests");
    const log = await (await fetch(`${gateway.url}/admin/requests?status=5xx`, {
      headers: { authorization: "Bearer sk-admin" },
    })).json();
    assert.equal(log.data.length, 1);
    assert.equal(log.data[0].channel, "bad");
    const bad = await fetch(`${gateway.url}/stats?window=2y`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("usage: log.bodies keeps prompt and answer text in the recent log, and only when on", async () => {
  const upstream = startUpstream((_request, body) => {
    if (!JSON.parse(body).stream) {
      return Response.json(chatCompletion("A whole answer", "m", { p: 4, c: 3 }));
    }
    return sse([chunk("Streamed "), chunk("answer", "stop"), "[DONE]"]);
  });
  const config = (bodies: boolean) => `
admin: { key: sk-admin }
log: { bodies: ${bodies} }
channels:
  - { name: up, plugin: openai, base_url: "${upstream.url}/v1", keys: [k], models: [m] }
`;
  const recent = async (url: string) =>
    (await (await fetch(`${url}/admin/requests`, {
      headers: { authorization: "Bearer sk-admin" },
    })).json()).data as { stream: boolean; bodies?: { prompt: string; answer: string } }[];
  for (const bodies of [true, false]) {
    const gateway = await startGateway(config(bodies));
    try {
      await (await ask(gateway.url, "m")).text();
      await (await ask(gateway.url, "m", { stream: true })).text();
      await gateway.recorded(2);
      await gateway.ledger.flush();
      const entries = await recent(gateway.url);
      assert.equal(entries.length, 2);
      const whole = entries.find((e) => !e.stream)!;
      const streamed = entries.find((e) => e.stream)!;
      if (bodies) {
        assert.deepEqual(whole.bodies, { prompt: "Tell me a story", answer: "A whole answer" });
        assert.deepEqual(streamed.bodies, { prompt: "Tell me a story", answer: "Streamed answer" });
      } else {
        assert.equal(whole.bodies, undefined);
        assert.equal(streamed.bodies, undefined);
      }
    } finally {
      await gateway.close();
    }
  }
  await upstream.close();
});
