/**
 * What plugins may use of the Gemini format (reached as `gemini` from the contract): converting
 * OpenAI chat and embeddings requests to Gemini and its answers, streams, usage, errors and model
 * lists back.
 */
export type { UsageMetadata } from "../formats/gemini/mod.ts";
export {
  callIdMaker,
  chatToGemini,
  modelPath,
  modelResource,
  requiresThoughtSignature,
} from "../formats/gemini/mod.ts";
export { geminiToChat, usageOf } from "../formats/gemini/mod.ts";
export {
  createStreamState,
  endGeminiStream,
  geminiChunkToChat,
  type GeminiStreamState,
} from "../formats/gemini/mod.ts";
export { embeddingsToGemini, geminiToEmbeddings } from "../formats/gemini/mod.ts";
export { geminiErrorToFailure, listGeminiModels } from "../formats/gemini/mod.ts";
