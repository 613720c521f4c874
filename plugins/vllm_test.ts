import assert from "node:assert/strict";
import openai from "./openai.ts";
import vllm from "./vllm.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

Deno.test("vllm is openai on localhost with an optional key", async () => {
  assert.equal(vllm.defaults?.base_url, "http://127.0.0.1:8000/v1");
  assert.equal(vllm.requiresKey, false);
  assert.equal(vllm.listModels, openai.listModels);
  const keyless = await shapeRequest(vllm, requestContext(vllm, { apiKey: "" }), {});
  assert.equal(keyless.url.href, "http://127.0.0.1:8000/v1/chat/completions");
  assert.equal(keyless.headers.get("authorization"), null);
  const keyed = await shapeRequest(vllm, requestContext(vllm, { apiKey: "token-abc" }), {});
  assert.equal(keyed.headers.get("authorization"), "Bearer token-abc");
});
