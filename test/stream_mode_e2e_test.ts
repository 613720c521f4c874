/**
 * Stream ⇄ non-stream conversion: a channel with `stream: false` still serves streaming clients
 * (the answer is replayed as a proper SSE stream) and one with `non_stream: false` serves
 * non-streaming clients (the stream is gathered into one answer), usage counted either way.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { chatCompletion, sseResponse, startGateway, startUpstream } from "./_harness.ts";
import { chunk } from "./_faults.ts";

Deno.test("stream mode: a non-stream-only channel serves a streaming client", async () => {
  const upstream = startUpstream(() =>
    Response.json(chatCompletion("whole answer", "m", { p: 4, c: 2 }))
  );
  const gateway = await startGateway(`
channels:
  - { name: a, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m], stream: false }
`);
  try {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "x", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage;
    for await (const part of stream) {
      text += part.choices[0]?.delta?.content ?? "";
      usage = part.usage ?? usage;
    }
    assert.equal(text, "whole answer");
    assert.equal(usage?.total_tokens, 6);
    assert.equal(JSON.parse(upstream.received[0].body).stream, false);
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 4, completion: 2 });
    assert.equal(record.stream, true);
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("stream mode: a stream-only channel serves a non-streaming client", async () => {
  const upstream = startUpstream(() =>
    sseResponse([
      chunk("gath"),
      chunk("ered"),
      chunk("", "stop"),
      {
        ...chunk(""),
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      },
      "[DONE]",
    ])
  );
  const gateway = await startGateway(`
channels:
  - { name: a, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m], non_stream: false }
`);
  try {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "x", maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(answer.choices[0].message.content, "gathered");
    assert.equal(answer.choices[0].finish_reason, "stop");
    assert.equal(answer.object, "chat.completion");
    assert.equal(answer.usage?.total_tokens, 7);
    const sent = JSON.parse(upstream.received[0].body);
    assert.equal(sent.stream, true);
    assert.equal(sent.stream_options.include_usage, true);
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 5, completion: 2 });
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("stream mode: a gathered stream that fails fails over like any error", async () => {
  const broken = startUpstream(() =>
    sseResponse([chunk("par"), { error: { message: "mid-stream failure" } }])
  );
  const good = startUpstream(() => Response.json(chatCompletion("fine")));
  const gateway = await startGateway(`
channels:
  - { name: a, plugin: openai, base_url: "${broken.url}", keys: [k], models: [m], non_stream: false }
  - { name: b, plugin: openai, base_url: "${good.url}", keys: [k], models: [m], priority: 2 }
`);
  try {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(res.headers.get("x-sluice-channel"), "b");
    assert.equal((await res.json()).choices[0].message.content, "fine");
  } finally {
    await gateway.close();
    await broken.close();
    await good.close();
  }
});
