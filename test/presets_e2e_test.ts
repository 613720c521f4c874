/**
 * The Azure plugin and the OpenAI-compatible presets, end to end: the official `openai` SDK
 * talks to a real gateway, which talks to a local server standing in for each provider.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { chatCompletion, sseResponse, startGateway, startUpstream } from "./_harness.ts";

const chunk = (model: string, delta: Record<string, unknown>, finish: string | null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model,
  choices: [{ index: 0, delta, finish_reason: finish }],
});

/** One fake provider for all channels: answers by path, streams when asked. */
function fakeProvider() {
  return startUpstream((request, text) => {
    const body = text ? JSON.parse(text) as Record<string, unknown> : {};
    const model = String(body.model);
    if (model === "blocked") {
      return Response.json({
        error: {
          code: "content_filter",
          message: "The response was filtered due to the prompt triggering Azure OpenAI's policy.",
          status: 400,
          innererror: {
            code: "ResponsibleAIPolicyViolation",
            content_filter_result: { violence: { filtered: true, severity: "high" } },
          },
        },
      }, { status: 400 });
    }
    if (new URL(request.url).pathname.endsWith("/embeddings")) {
      return Response.json({
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
        model,
        usage: { prompt_tokens: 2, total_tokens: 2 },
      });
    }
    if (!body.stream) return Response.json(chatCompletion(`hi from ${model}`, model));
    return sseResponse([
      chunk(model, { role: "assistant", content: "hi " }, null),
      chunk(model, { content: model }, "stop"),
      {
        ...chunk(model, {}, null),
        choices: [],
        usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
      },
      "[DONE]",
    ]);
  });
}

interface Case {
  plugin: string;
  model: string;
  /** The path the upstream must see for a chat call. */
  path: string;
  key?: string;
  options?: string;
  baseUrl(upstream: string): string;
}

const CASES: Case[] = [
  {
    plugin: "deepseek",
    model: "deepseek-v4-pro",
    path: "/deepseek/v1/chat/completions",
    key: "sk-deepseek",
    baseUrl: (u) => `${u}/deepseek/v1`,
  },
  {
    plugin: "zhipu",
    model: "glm-5.1",
    path: "/api/paas/v4/chat/completions",
    key: "sk-zhipu",
    baseUrl: (u) => `${u}/api/paas/v4`,
  },
  {
    plugin: "dashscope",
    model: "qwen-plus",
    path: "/compatible-mode/v1/chat/completions",
    key: "sk-dashscope",
    baseUrl: (u) => `${u}/compatible-mode/v1`,
  },
  {
    plugin: "moonshot",
    model: "kimi-k2.6",
    path: "/moonshot/v1/chat/completions",
    key: "sk-moonshot",
    baseUrl: (u) => `${u}/moonshot/v1`,
  },
  {
    plugin: "ollama",
    model: "llama3.2",
    path: "/ollama/v1/chat/completions",
    baseUrl: (u) => `${u}/ollama/v1`,
  },
  {
    plugin: "vllm",
    model: "Qwen/Qwen3-8B",
    path: "/vllm/v1/chat/completions",
    baseUrl: (u) => `${u}/vllm/v1`,
  },
  {
    plugin: "azure",
    model: "gpt-4o",
    path: "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
    key: "az-key",
    options: `{ deployments: { gpt-4o: prod-4o, text-embedding-3-small: emb, blocked: filtered } }`,
    baseUrl: (u) => u,
  },
];

function channelsYaml(upstream: string): string {
  const lines = CASES.map((c) =>
    `  - { name: ${c.plugin}, plugin: ${c.plugin}, base_url: "${c.baseUrl(upstream)}", ` +
    `keys: [${c.key ?? ""}], models: ["${c.model}"${
      c.plugin === "azure" ? ", text-embedding-3-small, blocked" : ""
    }]${c.options ? `, options: ${c.options}` : ""} }`
  );
  lines.push(
    `  - { name: azure-v1, plugin: azure, base_url: "${upstream}/openai/v1", keys: [az-v1], ` +
      `models: [gpt-4.1], options: { api: v1, deployments: { gpt-4.1: prod-41 } } }`,
  );
  return `channels:\n${lines.join("\n")}\n`;
}

async function withGateway(
  run: (client: OpenAI, upstream: ReturnType<typeof fakeProvider>) => Promise<void>,
) {
  const upstream = fakeProvider();
  const gateway = await startGateway(channelsYaml(upstream.url));
  try {
    await run(new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused" }), upstream);
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

function authOf(c: Case, headers: Headers): void {
  if (c.plugin === "azure") {
    assert.equal(headers.get("api-key"), c.key);
    assert.equal(headers.get("authorization"), null);
  } else if (c.key) {
    assert.equal(headers.get("authorization"), `Bearer ${c.key}`);
  } else {
    assert.equal(headers.get("authorization"), null, `${c.plugin} sends no key`);
  }
}

for (const c of CASES) {
  Deno.test(`presets: ${c.plugin} relays a chat completion`, async () => {
    await withGateway(async (client, upstream) => {
      const answer = await client.chat.completions.create({
        model: c.model,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(answer.choices[0].message.content, `hi from ${c.model}`);
      const seen = upstream.received.at(-1)!;
      assert.equal(seen.path, c.path);
      authOf(c, seen.headers);
      assert.equal(JSON.parse(seen.body).stream_options, undefined);
    });
  });

  Deno.test(`presets: ${c.plugin} streams and asks the upstream for usage`, async () => {
    await withGateway(async (client, upstream) => {
      const stream = await client.chat.completions.create({
        model: c.model,
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      });
      let text = "";
      let usageChunks = 0;
      for await (const part of stream) {
        text += part.choices[0]?.delta?.content ?? "";
        if (part.usage) usageChunks++;
      }
      assert.equal(text, `hi ${c.model}`);
      assert.equal(usageChunks, 0, "the client did not ask for usage, so it gets none");
      const seen = upstream.received.at(-1)!;
      assert.equal(seen.path, c.path);
      authOf(c, seen.headers);
      const sent = JSON.parse(seen.body);
      assert.equal(sent.stream, true);
      assert.deepEqual(sent.stream_options, { include_usage: true });
    });
  });
}

Deno.test("presets: a client that asks for stream usage gets it once", async () => {
  await withGateway(async (client) => {
    const stream = await client.chat.completions.create({
      model: "deepseek-v4-pro",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const usages = [];
    for await (const part of stream) if (part.usage) usages.push(part.usage);
    assert.deepEqual(usages.map((u) => u.total_tokens), [9]);
  });
});

Deno.test("presets: azure sends embeddings to the embeddings deployment", async () => {
  await withGateway(async (client, upstream) => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello",
    });
    assert.equal(result.data.length, 1);
    const seen = upstream.received.at(-1)!;
    assert.equal(seen.path, "/openai/deployments/emb/embeddings?api-version=2024-10-21");
    assert.equal(seen.headers.get("api-key"), "az-key");
  });
});

Deno.test("presets: azure v1 calls /openai/v1 with the deployment as model", async () => {
  await withGateway(async (client, upstream) => {
    const answer = await client.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(answer.choices[0].message.content, "hi from prod-41");
    const seen = upstream.received.at(-1)!;
    assert.equal(seen.path, "/openai/v1/chat/completions");
    assert.equal(seen.headers.get("api-key"), "az-v1");
    assert.equal(JSON.parse(seen.body).model, "prod-41");
  });
});

Deno.test("presets: an azure content filter 400 reaches the client as a clear 400", async () => {
  await withGateway(async (client) => {
    const error = await client.chat.completions.create({
      model: "blocked",
      messages: [{ role: "user", content: "something filtered" }],
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, "content_filter");
    assert.match(error.message, /content filter blocked the prompt \(violence: high\)/);
  });
});

Deno.test("presets: zhipu clamps sampling and moonshot drops it, end to end", async () => {
  await withGateway(async (client, upstream) => {
    await client.chat.completions.create({
      model: "glm-5.1",
      messages: [{ role: "user", content: "hi" }],
      temperature: 1.5,
      top_p: 1,
    });
    const glm = JSON.parse(upstream.received.at(-1)!.body);
    assert.equal(glm.temperature, 1);
    assert.equal(glm.top_p, 0.99);
    await client.chat.completions.create({
      model: "kimi-k2.6",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.3,
    });
    assert.equal(JSON.parse(upstream.received.at(-1)!.body).temperature, undefined);
  });
});
