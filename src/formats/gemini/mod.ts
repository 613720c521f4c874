/**
 * The Gemini API format for plugins: wire schemas and the converters between it and OpenAI's.
 * Plugins reach it through the contract as `gemini` (`import { gemini } from
 * "../src/plugin/contract.ts"`).
 *
 * @example
 * ```ts
 * const body = gemini.chatToGemini(openAIRequest);
 * const completion = gemini.geminiToChat(upstreamJson, { model, nextCallId: gemini.callIdMaker(id) });
 * ```
 */
export * from "./schema.ts";
export { isEmptyObjectSchema, stripMetaKeywords, toGeminiSchema } from "./json_schema.ts";
export {
  callIdMaker,
  decodeToolCallId,
  encodeToolCallId,
  requiresThoughtSignature,
  SKIP_SIGNATURE,
} from "./tool_calls.ts";
export {
  type ContentsOptions,
  guessMimeType,
  messagesToContents,
  toResponseObject,
} from "./contents.ts";
export { chatToGemini, type ChatToGeminiOptions } from "./chat_request.ts";
export {
  blockedPromptError,
  finishReasonOf,
  geminiToChat,
  parseResponse,
  readParts,
  type ResponseOptions,
  usageOf,
} from "./chat_response.ts";
export {
  createStreamState,
  endGeminiStream,
  geminiChunkToChat,
  type GeminiStreamState,
  type StreamStateOptions,
} from "./stream.ts";
export {
  embeddingsToGemini,
  float32Base64,
  geminiToEmbeddings,
  modelPath,
  modelResource,
} from "./embeddings.ts";
export { errorStatus, geminiErrorToFailure, retryDelaySeconds } from "./errors.ts";
export {
  effortOfThinkingConfig,
  GEMINI_THINKING_TABLE,
  takesThinkingLevel,
  thinkingConfigFor,
} from "./thinking.ts";
export { createCursor, detailOfPart, replayReasoning } from "./reasoning.ts";
export { chatLogprobs, logprobsConfig } from "./logprobs.ts";
export { listGeminiModels, parseModelsPage } from "./models.ts";
