import assert from "node:assert/strict";
import { UpstreamError } from "../../errors.ts";
import { jsonFixture } from "./_fixtures.ts";
import {
  embeddingsToGemini,
  float32Base64,
  geminiToEmbeddings,
  modelResource,
} from "./embeddings.ts";

Deno.test("embeddingsToGemini() sends one request per input with dimensions", () => {
  const { body, promptTokens } = embeddingsToGemini(
    { model: "text-embedding-004", input: ["hello world", "bye"], dimensions: 256 },
    "text-embedding-004",
    { taskType: "RETRIEVAL_QUERY" },
  );
  assert.deepEqual(body, {
    requests: [
      {
        model: "models/text-embedding-004",
        content: { parts: [{ text: "hello world" }] },
        taskType: "RETRIEVAL_QUERY",
        outputDimensionality: 256,
      },
      {
        model: "models/text-embedding-004",
        content: { parts: [{ text: "bye" }] },
        taskType: "RETRIEVAL_QUERY",
        outputDimensionality: 256,
      },
    ],
  });
  assert.equal(promptTokens, 4);
});

Deno.test("embeddingsToGemini() rejects token-id inputs with a 400", () => {
  assert.throws(
    () => embeddingsToGemini({ model: "m", input: [1, 2, 3] }, "m"),
    (error: unknown) => error instanceof UpstreamError && error.status === 400,
  );
});

Deno.test("geminiToEmbeddings() converts vectors and estimates usage", async () => {
  const body = await jsonFixture("batch_embed_contents.json");
  const list = geminiToEmbeddings(body, { model: "text-embedding-004", promptTokens: 4 });
  assert.equal(list.object, "list");
  assert.equal(list.model, "text-embedding-004");
  assert.deepEqual(list.data.map((d) => [d.object, d.index]), [["embedding", 0], [
    "embedding",
    1,
  ]]);
  assert.deepEqual(list.data[0].embedding, [0.013168523, -0.008711934, -0.046782676, 0.000699576]);
  assert.deepEqual(list.usage, { prompt_tokens: 4, total_tokens: 4 });
});

Deno.test("geminiToEmbeddings() encodes base64 float32 when asked", async () => {
  const body = await jsonFixture("batch_embed_contents.json");
  const list = geminiToEmbeddings(body, { model: "m", promptTokens: 1, encoding: "base64" });
  const encoded = list.data[1].embedding;
  assert.equal(typeof encoded, "string");
  const bytes = Uint8Array.from(atob(encoded as string), (c) => c.charCodeAt(0));
  const floats = new Float32Array(bytes.buffer);
  assert.equal(floats.length, 4);
  assert.ok(Math.abs(floats[0] - -0.021428147) < 1e-7);
  assert.equal(float32Base64([1]), "AACAPw==");
});

Deno.test("geminiToEmbeddings() rejects a body without embeddings with a 502", () => {
  assert.throws(
    () => geminiToEmbeddings({ embedding: {} }, { model: "m", promptTokens: 0 }),
    (error: unknown) => error instanceof UpstreamError && error.status === 502,
  );
});

Deno.test("modelResource() prefixes models/ unless the name is a resource path", () => {
  assert.equal(modelResource("gemini-2.5-flash"), "models/gemini-2.5-flash");
  assert.equal(modelResource("tunedModels/my-model"), "tunedModels/my-model");
});
