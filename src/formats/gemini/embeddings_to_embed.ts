/**
 * An OpenAI embeddings answer → what a Gemini client expects back: `{ embedding: { values } }`
 * for `embedContent`, `{ embeddings: [{ values }] }` for `batchEmbedContents`, vectors in input
 * order. Vectors sent base64-encoded anyway (little-endian float32, as OpenAI encodes them) are
 * decoded.
 *
 * Reference: https://ai.google.dev/api/embeddings#EmbedContentResponse and
 * https://ai.google.dev/api/embeddings#response-body_2.
 */
import { z } from "zod";
import { UpstreamError } from "../../errors.ts";

const EmbeddingList = z.looseObject({
  data: z.array(z.looseObject({
    index: z.number().int().optional(),
    embedding: z.union([z.array(z.number()), z.string()]),
  })),
});

/**
 * The vectors of an OpenAI embedding list, in input order.
 * @throws {UpstreamError} 502 when the answer is not an embedding list.
 *
 * @example
 * ```ts
 * embeddingsToBatchEmbed({ object: "list", data: [{ index: 0, embedding: [0.1, 0.2] }] });
 * // → { embeddings: [{ values: [0.1, 0.2] }] }
 * ```
 */
export function embeddingsToBatchEmbed(answer: unknown): { embeddings: { values: number[] }[] } {
  const parsed = EmbeddingList.safeParse(answer);
  if (!parsed.success) {
    throw new UpstreamError(502, "Upstream sent an embeddings answer without embeddings");
  }
  const data = parsed.data.data.map((d, i) => ({ ...d, index: d.index ?? i }))
    .sort((a, b) => a.index - b.index);
  return {
    embeddings: data.map((d) => ({
      values: typeof d.embedding === "string" ? fromFloat32Base64(d.embedding) : d.embedding,
    })),
  };
}

/** The single vector of an `embedContent` answer. */
export function embeddingsToEmbed(answer: unknown): { embedding: { values: number[] } } {
  const [first] = embeddingsToBatchEmbed(answer).embeddings;
  if (!first) throw new UpstreamError(502, "Upstream sent an embeddings answer without a vector");
  return { embedding: first };
}

function fromFloat32Base64(text: string): number[] {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    throw new UpstreamError(502, "Upstream sent an embedding that is neither numbers nor base64");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) values.push(view.getFloat32(i, true));
  return values;
}
