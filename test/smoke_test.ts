import assert from "node:assert/strict";
import OpenAI from "openai";
import { chatCompletion, startGateway, startUpstream } from "./_harness.ts";

Deno.test("harness: gateway relays a chat completion through the OpenAI SDK", async () => {
  const upstream = startUpstream(() => Response.json(chatCompletion("hello")));
  const gateway = await startGateway(`
channels:
  - { name: up, plugin: openai, base_url: "${upstream.url}/v1", keys: [sk-up], models: [m] }
`);
  try {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused" });
    const answer = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(answer.choices[0].message.content, "hello");
    assert.equal(upstream.received[0].headers.get("authorization"), "Bearer sk-up");
  } finally {
    await gateway.close();
    await upstream.close();
  }
});
