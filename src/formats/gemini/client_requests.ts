/**
 * The request bodies Gemini clients (the `@google/genai` SDK, Gemini CLI, REST callers) send to
 * Sluice's Gemini API, as checked at the door: `generateContent` / `streamGenerateContent`,
 * `countTokens`, `embedContent` and `batchEmbedContents`. Loose like the wire schemas in
 * `schema.ts` (unknown fields travel on to Gemini channels untouched), but strict on what the
 * gateway reads, so a bad body gets a 400 that names the field.
 *
 * Reference: https://ai.google.dev/api/generate-content#request-body,
 * https://ai.google.dev/api/tokens#request-body and https://ai.google.dev/api/embeddings.
 */
import { z } from "zod";
import {
  Content,
  EmbedContentRequest,
  FunctionDeclaration,
  GenerateContentRequest,
} from "./schema.ts";
import { snakeToCamel } from "./snake_to_camel.ts";

/**
 * A tool as clients send it: function declarations, or one of Gemini's own tools
 * (`googleSearch`, `codeExecution`, `urlContext`...), which only Gemini channels can run.
 */
const ClientTool = z.looseObject({ functionDeclarations: z.array(FunctionDeclaration).optional() });

/** `mode` may be left out (AUTO), and `retrievalConfig` may come alone. */
const ClientToolConfig = z.looseObject({
  functionCallingConfig: z.looseObject({
    mode: z.string().optional(),
    allowedFunctionNames: z.array(z.string()).optional(),
  }).optional(),
});

/** `models/{model}:generateContent` and `:streamGenerateContent`: at least one turn. */
export const GenerateContentBody = GenerateContentRequest.extend({
  contents: z.array(Content).min(1),
  tools: z.array(ClientTool).optional(),
  toolConfig: ClientToolConfig.optional(),
  cachedContent: z.string().optional(),
});

/**
 * `models/{model}:countTokens`: either `contents`, or a whole `generateContentRequest` (which
 * also counts its system instruction and tools).
 */
export const CountTokensBody = z.looseObject({
  contents: z.array(Content).optional(),
  generateContentRequest: GenerateContentBody.optional(),
}).refine((body) => body.contents !== undefined || body.generateContentRequest !== undefined, {
  message: "one of contents or generateContentRequest is required",
  path: ["contents"],
});

/** `models/{model}:embedContent`: one content; `model` may be left to the URL. */
export const EmbedContentBody = EmbedContentRequest.extend({
  model: z.string().optional(),
  title: z.string().optional(),
});

/** `models/{model}:batchEmbedContents`: each request names the URL's model. */
export const BatchEmbedContentsBody = z.looseObject({
  requests: z.array(EmbedContentRequest).min(1),
});

/**
 * The schemas a body is checked with at the door: field names normalised to lowerCamelCase first
 * (`snake_to_camel.ts`), so `system_instruction` and `systemInstruction` pass alike.
 */
export const CLIENT_INPUT = {
  generate: z.preprocess(snakeToCamel, GenerateContentBody),
  countTokens: z.preprocess(snakeToCamel, CountTokensBody),
  embed: z.preprocess(snakeToCamel, EmbedContentBody),
  batchEmbed: z.preprocess(snakeToCamel, BatchEmbedContentsBody),
} as const;

export type GenerateContentBody = z.infer<typeof GenerateContentBody>;
export type CountTokensBody = z.infer<typeof CountTokensBody>;
export type EmbedContentBody = z.infer<typeof EmbedContentBody>;
export type BatchEmbedContentsBody = z.infer<typeof BatchEmbedContentsBody>;
