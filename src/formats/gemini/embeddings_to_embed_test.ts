import assert from "node:assert/strict";
import { UpstreamError } from "../../errors.ts";
import { float32Base64 } from "./embeddings.ts";
import { embeddingsToBatchEmbed, embeddingsToEmbed } from "./embeddings_to_embed.ts";

Deno.test("embeddingsToBatchEmbed() puts vectors back in input order", () => {
  assert.deepEqual(
    embeddingsToBatchEmbed({
      object: "list",
      data: [
        { object: "embedding", index: 1, embedding: [0.5] },
        { object: "embedding", index: 0, embedding: [0.25, 1] },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    }),
    { embeddings: [{ values: [0.25, 1] }, { values: [0.5] }] },
  );
});

Deno.test("embeddingsToEmbed() decodes base64 vectors and refuses empty answers", () => {
  assert.deepEqual(
    embeddingsToEmbed({ data: [{ index: 0, embedding: float32Base64([0.5, -2]) }] }),
    { embedding: { values: [0.5, -2] } },
  );
  for (const bad of [{ data: [] }, { error: "no" }, null]) {
    assert.throws(
      () => embeddingsToEmbed(bad),
      (e) => e instanceof UpstreamError && e.status === 502,
    );
  }
});
