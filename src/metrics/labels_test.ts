import assert from "node:assert/strict";
import { operationName, providerName, STATUS_CLASSES, statusIndex } from "./labels.ts";

Deno.test("statusIndex() classes every status, and anything outside 100–599 as other", () => {
  const classOf = (s: number) => STATUS_CLASSES[statusIndex(s)];
  assert.deepEqual([101, 200, 304, 499, 504, 0, 600, NaN].map(classOf), [
    "1xx",
    "2xx",
    "3xx",
    "4xx",
    "5xx",
    "other",
    "other",
    "other",
  ]);
});

Deno.test("operationName() uses the conventions' well-known values, and none for non-model routes", () => {
  assert.equal(operationName("chat"), "chat");
  assert.equal(operationName("messages"), "chat");
  assert.equal(operationName("completions"), "text_completion");
  assert.equal(operationName("batch_embed_contents"), "embeddings");
  assert.equal(operationName("generate_content"), "generate_content");
  assert.equal(operationName("models"), undefined);
  assert.equal(operationName("proxy"), undefined);
  assert.equal(operationName("constructor"), undefined);
});

Deno.test("providerName() maps plugins to well-known providers, else keeps the plugin name", () => {
  assert.equal(providerName("gemini"), "gcp.gemini");
  assert.equal(providerName("azure"), "azure.ai.openai");
  assert.equal(providerName("moonshot"), "moonshot_ai");
  assert.equal(providerName("vllm"), "vllm");
  assert.equal(providerName("toString"), "toString");
});
