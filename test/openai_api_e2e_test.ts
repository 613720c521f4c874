/**
 * The OpenAI-compatible client API end to end: real upstream servers, a real gateway, the
 * official `openai` SDK where a client would use it and raw fetch where the wire matters.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { chatCompletion, sseResponse, startGateway, startUpstream } from "./_harness.ts";

const chunk = (content: string | null, finish: string | null = null) => ({
  id: "chatcmpl-s",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "m",
  choices: content === null && finish === null
    ? []
    : [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
});
const usageChunk = {
  ...chunk(null),
  usage: { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 },
};

function openAIUpstream() {
  return startUpstream((request, body) => {
    const path = new URL(request.url).pathname;
    if (path.endsWith("/models")) return Response.json({ data: [{ id: "m" }, { id: "m-big" }] });
    if (path.endsWith("/embeddings")) {
      return Response.json({
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
        model: "e",
        usage: { prompt_tokens: 3, total_tokens: 3 },
      });
    }
    if (path.endsWith("/completions") && !path.endsWith("/chat/completions")) {
      return Response.json({
        id: "cmpl",
        object: "text_completion",
        created: 1,
        model: "m",
        choices: [{ index: 0, text: "done", finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
      });
    }
    if (!path.endsWith("/chat/completions")) return Response.json({ path });
    const json = JSON.parse(body);
    if (json.stream) {
      return sseResponse([chunk("Hel"), chunk("lo"), chunk(null, "stop"), usageChunk, "[DONE]"]);
    }
    return Response.json(chatCompletion(`model=${json.model}`, json.model, { p: 7, c: 4 }));
  });
}

async function withGateway(
  yaml: (upstream: string) => string,
  run: (
    ctx: {
      url: string;
      upstream: ReturnType<typeof openAIUpstream>;
      gateway: Awaited<ReturnType<typeof startGateway>>;
    },
  ) => Promise<void>,
) {
  const upstream = openAIUpstream();
  const gateway = await startGateway(yaml(upstream.url), { log: console.error });
  try {
    await run({ url: gateway.url, upstream, gateway });
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const bobHash = await sha256Hex("sk-bob");

/** One channel and a key of each kind: plain, hashed with a model glob, expired, bound. */
const yamlWithKeys = (u: string) => `
routing: { aliases: { gpt-4: m } }
channels:
  - { name: up, plugin: openai, base_url: "${u}/v1", keys: [sk-1, sk-2], models: [m, e], model_map: { m: m-2024 } }
keys:
  - { name: alice, key: sk-alice }
  - { name: bob, key: "sha256:${bobHash}", models: ["x-*"] }
  - { name: carol, key: sk-carol, expires: 2020-01-01 }
  - { name: dave, key: sk-dave, channels: [other] }
`;

function sdk(url: string, apiKey = "sk-alice") {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
}

Deno.test("chat completions: non-stream via the SDK, with model_map, headers and usage", async () => {
  await withGateway(yamlWithKeys, async ({ url, upstream, gateway }) => {
    const { data, response } = await sdk(url).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    }).withResponse();
    assert.equal(data.choices[0].message.content, "model=m-2024");
    assert.equal(response.headers.get("x-sluice-channel"), "up");
    assert.equal(response.headers.get("x-sluice-attempts"), "1");
    assert.match(response.headers.get("x-request-id") ?? "", /^[\w-]{8,}$/);
    const sent = upstream.received.at(-1)!;
    assert.equal(sent.path, "/v1/chat/completions");
    assert.equal(JSON.parse(sent.body).model, "m-2024");
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 7, completion: 4 });
    assert.equal(record.key, "alice");
  });
});

Deno.test("chat completions: upstream keys rotate and never leak the gateway key", async () => {
  await withGateway(yamlWithKeys, async ({ url, upstream }) => {
    for (let i = 0; i < 4; i++) {
      await sdk(url).chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "x" }],
      });
    }
    const keys = upstream.received.map((r) => r.headers.get("authorization"));
    assert.deepEqual(keys, ["Bearer sk-1", "Bearer sk-2", "Bearer sk-1", "Bearer sk-2"]);
  });
});

Deno.test("chat completions: stream via the SDK, relayed chunk by chunk, usage counted", async () => {
  await withGateway(yamlWithKeys, async ({ url, upstream, gateway }) => {
    const stream = await sdk(url).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    let chunks = 0;
    for await (const part of stream) {
      chunks++;
      text += part.choices[0]?.delta?.content ?? "";
    }
    assert.equal(text, "Hello");
    // The usage chunk the gateway asked for is not shown to a client that did not ask.
    assert.equal(chunks, 3);
    assert.equal(JSON.parse(upstream.received[0].body).stream_options.include_usage, true);
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 11, completion: 2 });
    assert.equal(record.stream, true);
  });
});

Deno.test("chat completions: a client that asks for usage gets the usage chunk", async () => {
  await withGateway(yamlWithKeys, async ({ url }) => {
    const stream = await sdk(url).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage;
    for await (const part of stream) usage = part.usage ?? usage;
    assert.equal(usage?.total_tokens, 13);
  });
});

Deno.test("chat completions: the stream wire format is relayed byte for byte", async () => {
  await withGateway(yamlWithKeys, async ({ url }) => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-alice", "content-type": "application/json" },
      body: JSON.stringify({
        model: "m",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const expected = [chunk("Hel"), chunk("lo"), chunk(null, "stop"), usageChunk]
      .map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
    assert.equal(await res.text(), expected);
  });
});

Deno.test("completions, embeddings and the paths without /v1 answer", async () => {
  await withGateway(yamlWithKeys, async ({ url, gateway }) => {
    const client = sdk(url);
    const completion = await client.completions.create({ model: "m", prompt: "p" });
    assert.equal(completion.choices[0].text, "done");
    const embedding = await client.embeddings.create({ model: "e", input: "abc" });
    assert.deepEqual(embedding.data[0].embedding, [0.1, 0.2]);
    const bare = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-alice" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(bare.status, 200);
    await bare.body?.cancel();
    const records = await gateway.recorded(3);
    assert.deepEqual(records.map((r) => r.endpoint), ["completions", "embeddings", "chat"]);
  });
});

Deno.test("models: aliases, channel/model and bare ids, filtered by key", async () => {
  await withGateway(yamlWithKeys, async ({ url }) => {
    const list = await sdk(url).models.list();
    const ids = list.data.map((m) => m.id).sort();
    assert.deepEqual(ids, ["e", "gpt-4", "m", "up/e", "up/m"]);
    const bob = await sdk(url, "sk-bob").models.list();
    assert.deepEqual(bob.data, []);
  });
});

Deno.test("routing: an alias and an explicit channel/model reach the mapped upstream model", async () => {
  await withGateway(yamlWithKeys, async ({ url, upstream }) => {
    for (const model of ["gpt-4", "up/m"]) {
      const answer = await sdk(url).chat.completions.create({
        model,
        messages: [{ role: "user", content: "x" }],
      });
      assert.equal(answer.choices[0].message.content, "model=m-2024");
    }
    assert.equal(upstream.received.length, 2);
  });
});

Deno.test("routing: models omitted are fetched from the upstream's /models", async () => {
  const upstream = openAIUpstream();
  const gateway = await startGateway(`
channels:
  - { name: up, plugin: openai, base_url: "${upstream.url}/v1", keys: [k] }
`);
  try {
    const answer = await sdk(gateway.url, "x").chat.completions.create({
      model: "m-big",
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(answer.choices[0].message.content, "model=m-big");
    await sdk(gateway.url, "x").chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
    });
    // Fetched once and cached.
    assert.equal(upstream.received.filter((r) => r.path === "/v1/models").length, 1);
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("errors: each client mistake gets the documented status and OpenAI error shape", async () => {
  await withGateway(yamlWithKeys, async ({ url }) => {
    const post = (body: string, key?: string, headers: Record<string, string> = {}) => () =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
        body,
      });
    const cases: [() => Promise<Response>, number, string, RegExp][] = [
      [post("{}"), 401, "missing_api_key", /Missing API key/],
      [post("{}", "sk-wrong-key"), 401, "invalid_api_key", /Incorrect API key provided: sk-…-key$/],
      [post("{nope", "sk-alice"), 400, "invalid_json", /not valid JSON/],
      [post("[]", "sk-alice"), 400, "invalid_json", /must be a JSON object/],
      [
        post('{"model":"m"}', "sk-alice"),
        400,
        "invalid_request_body",
        /Missing required parameter: 'messages'/,
      ],
      [
        post('{"model":"m","messages":[{"role":"robot","content":"x"}]}', "sk-alice"),
        400,
        "invalid_request_body",
        /'messages\[0\]\.role'/,
      ],
      [
        post('{"model":"n","messages":[{"role":"user","content":"x"}]}', "sk-alice"),
        404,
        "model_not_found",
        /The model "n" does not exist\. Did you mean "e" or "m"\?/,
      ],
      [
        post('{"model":"m","messages":[{"role":"user","content":"x"}]}', "sk-bob"),
        403,
        "model_not_allowed",
        /may not use model "m"/,
      ],
      [
        post('{"model":"m","messages":[{"role":"user","content":"x"}]}', "sk-carol"),
        403,
        "key_expired",
        /expired on 2020-01-01/,
      ],
      [
        post('{"model":"m","messages":[{"role":"user","content":"x"}]}', "sk-dave"),
        403,
        "channel_not_allowed",
        /may not use channel "up"/,
      ],
      [
        post("x".repeat(5 * 1024 * 1024), "sk-alice"),
        413,
        "request_too_large",
        /exceeds the limit/,
      ],
    ];
    for (const [send, status, code, message] of cases) {
      const res = await send();
      const body = await res.json();
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(body.error.code, code);
      assert.match(body.error.message, message);
      assert.ok("type" in body.error && "param" in body.error);
      assert.ok(res.headers.get("x-request-id"));
    }
  });
});

Deno.test("auth: x-api-key and x-goog-api-key carry the gateway key too", async () => {
  await withGateway(yamlWithKeys, async ({ url }) => {
    for (const header of ["x-api-key", "x-goog-api-key"]) {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { [header]: "sk-alice" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
      });
      assert.equal(res.status, 200, header);
      await res.body?.cancel();
    }
  });
});

Deno.test("errors: a 400 from the upstream returns to the client unchanged, without failover", async () => {
  const upstream = startUpstream(() =>
    Response.json({
      error: {
        message: "bad temperature",
        type: "invalid_request_error",
        code: "x",
        param: "temperature",
      },
    }, { status: 400 })
  );
  const gateway = await startGateway(`
channels:
  - { name: up, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
  - { name: up2, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m], priority: 2 }
`);
  try {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error: {
        message: "bad temperature",
        type: "invalid_request_error",
        code: "x",
        param: "temperature",
      },
    });
    assert.equal(upstream.received.length, 1);
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("unknown paths: 404, or passthrough for a key bound to one channel", async () => {
  await withGateway(
    (u) => yamlWithKeys(u) + `  - { name: erin, key: sk-erin, channels: [up] }\n`,
    async ({ url, upstream }) => {
      const lost = await fetch(`${url}/v1/nowhere`, {
        headers: { authorization: "Bearer sk-alice" },
      });
      assert.equal(lost.status, 404);
      assert.equal((await lost.json()).error.code, "unknown_path");
      const bound = await fetch(`${url}/v1/files?purpose=x`, {
        headers: { authorization: "Bearer sk-erin" },
      });
      assert.equal(bound.status, 200);
      assert.equal(bound.headers.get("x-sluice-channel"), "up");
      assert.deepEqual(await bound.json(), { path: "/v1/files" });
      const sent = upstream.received.at(-1)!;
      assert.equal(sent.path, "/v1/files?purpose=x");
      assert.equal(sent.headers.get("authorization"), "Bearer sk-1");
    },
  );
});
