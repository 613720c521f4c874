/**
 * OpenAI `/embeddings` ⇄ Gemini `batchEmbedContents`: one embed request per input, answered by
 * one vector per input in the same order. Gemini reports no token usage for embeddings, so the
 * prompt tokens are estimated from the input text.
 *
 * The official `openai` SDK asks for `encoding_format: "base64"` by default and decodes it, so
 * vectors are re-encoded as base64 little-endian float32 when asked.
 *
 * Reference: https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
import type { EmbeddingRequest } from "../openai.ts";
import { estimateTokens } from "../tokens.ts";
import { UpstreamError } from "../../errors.ts";
import { type BatchEmbedContentsRequest, BatchEmbedContentsResponse } from "./schema.ts";
import { usageOf } from "./chat_response.ts";

export interface EmbeddingsToGeminiOptions {
  /** Gemini's `taskType` (e.g. RETRIEVAL_QUERY), applied to every input. */
  taskType?: string;
}

/** The converted request and what the response conversion needs to know about it. */
export interface ConvertedEmbeddings {
  body: BatchEmbedContentsRequest;
  /** Estimated prompt tokens of all inputs. */
  promptTokens: number;
}

/** `models/{model}` as the Gemini API names a model; full resource names pass unchanged. */
export function modelResource(model: string): string {
  return model.includes("/") ? model : `models/${model}`;
}

/**
 * A model's resource name as a URL path: `models/{model}` (or `tunedModels/{id}`), with the model
 * name percent-encoded so that no name (`../../x`, `a?b`) can change the path or the query.
 */
export function modelPath(model: string): string {
  const resource = /^(models|tunedModels)\/([^/]+)$/.exec(model);
  return resource
    ? `${resource[1]}/${encodeURIComponent(resource[2])}`
    : `models/${encodeURIComponent(model)}`;
}

/**
 * Converts an embeddings request. Token-id inputs have no Gemini equivalent: 400.
 *
 * @example
 * ```ts
 * embeddingsToGemini({ model: "text-embedding-004", input: ["a", "b"], dimensions: 256 },
 *   "text-embedding-004").body;
 * // → { requests: [
 * //   { model: "models/text-embedding-004", content: { parts: [{ text: "a" }] },
 * //     outputDimensionality: 256 }, ...] }
 * ```
 */
export function embeddingsToGemini(
  request: EmbeddingRequest,
  model: string,
  options: EmbeddingsToGeminiOptions = {},
): ConvertedEmbeddings {
  const inputs = typeof request.input === "string" ? [request.input] : request.input;
  const texts = inputs.map((input, i) => {
    if (typeof input !== "string") {
      throw new UpstreamError(
        400,
        `input[${i}]: Gemini embeds text only, not token ids`,
        "invalid_request_error",
      );
    }
    return input;
  });
  const resource = modelResource(model);
  return {
    body: {
      requests: texts.map((text) => ({
        model: resource,
        content: { parts: [{ text }] },
        ...(options.taskType ? { taskType: options.taskType } : {}),
        ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}),
      })),
    },
    promptTokens: texts.reduce((sum, text) => sum + estimateTokens(text), 0),
  };
}

export interface EmbeddingsResponseOptions {
  model: string;
  /** @default "float" */
  encoding?: "float" | "base64";
  /** Used when Gemini reports no usage. */
  promptTokens: number;
}

/** Converts a `batchEmbedContents` answer to OpenAI's embedding list. */
export function geminiToEmbeddings(body: unknown, options: EmbeddingsResponseOptions) {
  const parsed = BatchEmbedContentsResponse.safeParse(body);
  if (!parsed.success) {
    throw new UpstreamError(502, "Gemini sent an embeddings response without embeddings");
  }
  const promptTokens = usageOf(parsed.data.usageMetadata)?.prompt_tokens ?? options.promptTokens;
  return {
    object: "list" as const,
    data: parsed.data.embeddings.map((embedding, index) => ({
      object: "embedding" as const,
      index,
      embedding: options.encoding === "base64" ? float32Base64(embedding.values) : embedding.values,
    })),
    model: options.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** Little-endian float32 bytes as base64, the format of OpenAI's `encoding_format: "base64"`. */
export function float32Base64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
