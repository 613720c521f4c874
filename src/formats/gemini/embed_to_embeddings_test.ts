import assert from "node:assert/strict";
import { GatewayError } from "../../errors.ts";
import { embedToEmbeddings } from "./embed_to_embeddings.ts";

Deno.test("embedToEmbeddings() makes one input per content, in order, as floats", () => {
  assert.deepEqual(
    embedToEmbeddings(
      [
        { content: { parts: [{ text: "a" }, { text: "b" }] }, outputDimensionality: 64 },
        { content: { parts: [{ text: "c" }] }, outputDimensionality: 64 },
      ],
      "text-embedding-3-small",
      "requests",
    ),
    {
      model: "text-embedding-3-small",
      input: ["a\nb", "c"],
      encoding_format: "float",
      dimensions: 64,
    },
  );
});

Deno.test("embedToEmbeddings() refuses media and mixed dimensions, naming the field", () => {
  assert.throws(
    () =>
      embedToEmbeddings(
        [{
          content: { parts: [{ inlineData: { mimeType: "image/png", data: "AA" } }] },
        }],
        "m",
        "",
      ),
    (e) => e instanceof GatewayError && e.status === 400 && e.param === "content.parts[0]",
  );
  assert.throws(
    () =>
      embedToEmbeddings(
        [
          { content: { parts: [{ text: "a" }] }, outputDimensionality: 64 },
          { content: { parts: [{ text: "b" }] } },
        ],
        "m",
        "requests",
      ),
    (e) => e instanceof GatewayError && e.param === "requests[].outputDimensionality",
  );
});
