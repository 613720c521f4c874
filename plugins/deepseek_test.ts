import assert from "node:assert/strict";
import deepseek from "./deepseek.ts";
import openai from "./openai.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

Deno.test("deepseek reuses openai with DeepSeek's base URL", async () => {
  assert.equal(deepseek.defaults?.base_url, "https://api.deepseek.com/v1");
  assert.equal(deepseek.listModels, openai.listModels);
  const ctx = requestContext(deepseek, { stream: true, model: "deepseek-v4-pro" });
  const request = await shapeRequest(deepseek, ctx, { messages: [] });
  assert.equal(request.url.href, "https://api.deepseek.com/v1/chat/completions");
  assert.equal(request.headers.get("authorization"), "Bearer sk-test");
  assert.deepEqual((request.body as Record<string, unknown>).stream_options, {
    include_usage: true,
  });
});

Deno.test("deepseek passes reasoning_content on earlier turns through untouched", async () => {
  const messages = [
    { role: "user", content: "q" },
    { role: "assistant", content: "", reasoning_content: "thinking", tool_calls: [] },
  ];
  const request = await shapeRequest(deepseek, requestContext(deepseek), { messages });
  assert.deepEqual((request.body as { messages: unknown }).messages, messages);
  assert.equal(deepseek.transformResponse, undefined);
  assert.equal(deepseek.transformStreamEvent, undefined);
});

Deno.test("deepseek.extractUsage() reads prompt_cache_hit_tokens as cached tokens", () => {
  const ctx = requestContext(deepseek);
  const usage = deepseek.extractUsage!({
    usage: {
      prompt_tokens: 100,
      completion_tokens: 10,
      total_tokens: 110,
      prompt_cache_hit_tokens: 64,
      prompt_cache_miss_tokens: 36,
    },
  }, ctx);
  assert.equal(usage?.prompt_tokens_details?.cached_tokens, 64);
  assert.equal(usage?.prompt_tokens, 100);
  assert.equal(deepseek.extractUsage!({ choices: [], usage: null }, ctx), undefined);
  assert.equal(deepseek.extractUsage!(undefined, ctx), undefined);
});

Deno.test("deepseek turns reasoning_effort none into its thinking switch, other efforts pass", async () => {
  const off = await shapeRequest(deepseek, requestContext(deepseek), {
    messages: [{ role: "user", content: "q" }],
    reasoning_effort: "none",
  });
  const body = off.body as Record<string, unknown>;
  assert.deepEqual(body.thinking, { type: "disabled" });
  assert.equal(body.reasoning_effort, undefined);
  const high = await shapeRequest(deepseek, requestContext(deepseek), {
    messages: [{ role: "user", content: "q" }],
    reasoning_effort: "high",
  });
  assert.equal((high.body as Record<string, unknown>).reasoning_effort, "high");
  assert.equal((high.body as Record<string, unknown>).thinking, undefined);
});
