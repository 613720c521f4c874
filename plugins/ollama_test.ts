import assert from "node:assert/strict";
import ollama from "./ollama.ts";
import openai from "./openai.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

Deno.test("ollama is openai on localhost without a key", async () => {
  assert.equal(ollama.defaults?.base_url, "http://127.0.0.1:11434/v1");
  assert.equal(ollama.requiresKey, false);
  assert.equal(ollama.rewriteRequest, openai.rewriteRequest);
  const request = await shapeRequest(
    ollama,
    requestContext(ollama, { apiKey: "", stream: true }),
    {},
  );
  assert.equal(request.url.href, "http://127.0.0.1:11434/v1/chat/completions");
  assert.equal(request.headers.get("authorization"), null);
  assert.deepEqual((request.body as Record<string, unknown>).stream_options, {
    include_usage: true,
  });
});
