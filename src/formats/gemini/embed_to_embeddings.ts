/**
 * A Gemini client's `embedContent` / `batchEmbedContents` request → an OpenAI embeddings request,
 * for a channel that serves `/embeddings`: one input per content, in order. The reverse of the
 * request half of `embeddings.ts`.
 *
 * Only text embeds everywhere: a content's text parts are joined with newlines, and any other
 * part is a 400. `outputDimensionality` becomes `dimensions` (one value for the whole batch, as
 * OpenAI takes one). `taskType` and `title` tune Gemini's own embedding models and have no
 * OpenAI equivalent: they are dropped. Vectors are asked for as floats, what Gemini returns.
 *
 * Reference: https://ai.google.dev/api/embeddings#EmbedContentRequest.
 */
import type { EmbeddingRequest } from "../openai.ts";
import { unsupported } from "./_client_error.ts";
import type { Content } from "./schema.ts";

/** One embed request as both methods carry it. */
export interface EmbedItem {
  content: Content;
  outputDimensionality?: number;
}

/**
 * Converts the requests of one call; `at` names them in errors (`requests`, or "" for a single
 * `embedContent`). @throws {GatewayError} 400 for non-text parts or mixed dimensions.
 *
 * @example
 * ```ts
 * embedToEmbeddings([{ content: { parts: [{ text: "a" }] }, outputDimensionality: 64 }],
 *   "text-embedding-3-small", "requests");
 * // → { model: "text-embedding-3-small", input: ["a"], dimensions: 64, encoding_format: "float" }
 * ```
 */
export function embedToEmbeddings(
  items: readonly EmbedItem[],
  model: string,
  at: string,
): EmbeddingRequest {
  const where = (i: number) => at === "" ? "content" : `${at}[${i}].content`;
  const input = items.map((item, i) =>
    (item.content.parts ?? []).map((part, j) => {
      if (part.text !== undefined) return part.text;
      throw unsupported(`${where(i)}.parts[${j}]`, "only text can be embedded by this channel");
    }).join("\n")
  );
  const dimensions = new Set(items.map((item) => item.outputDimensionality));
  if (dimensions.size > 1) {
    throw unsupported(
      at === "" ? "outputDimensionality" : `${at}[].outputDimensionality`,
      "must be the same for every request of a batch served by this channel",
    );
  }
  const [size] = dimensions;
  return {
    model,
    input,
    encoding_format: "float",
    ...(size !== undefined ? { dimensions: size } : {}),
  };
}
