/**
 * The Gemini API wire format (Google AI `v1beta`), as far as Sluice reads or writes it:
 * `generateContent` / `streamGenerateContent` requests and responses, `batchEmbedContents`,
 * the model list and the error body. Response schemas are loose on purpose: Google adds fields
 * often, and an unknown field must never fail a request that would otherwise convert cleanly.
 *
 * Reference: https://ai.google.dev/api/generate-content, https://ai.google.dev/api/embeddings,
 * https://ai.google.dev/api/models and the `@google/genai` SDK's `src/types.ts`.
 */
import { z } from "zod";

/** Raw bytes sent inline, base64-encoded. */
export const InlineData = z.looseObject({ mimeType: z.string(), data: z.string() });

/** A reference to a file by URI (Files API, or a public URL where the model accepts it). */
export const FileData = z.looseObject({ mimeType: z.string().optional(), fileUri: z.string() });

/** Gemini's struct-typed arguments: always a JSON object. */
const Struct = z.record(z.string(), z.unknown());

export const FunctionCall = z.looseObject({
  /** Only some models (and Vertex AI) return call ids; Google AI usually omits them. */
  id: z.string().optional(),
  name: z.string(),
  args: Struct.optional(),
});

export const FunctionResponse = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  response: Struct,
});

/** One piece of a turn. Exactly one data field is set; `thought` marks reasoning text. */
export const Part = z.looseObject({
  text: z.string().optional(),
  inlineData: InlineData.optional(),
  fileData: FileData.optional(),
  functionCall: FunctionCall.optional(),
  functionResponse: FunctionResponse.optional(),
  thought: z.boolean().optional(),
  /** Opaque reasoning state; Gemini 3 requires it back on replayed function calls. */
  thoughtSignature: z.string().optional(),
});

export const Content = z.looseObject({
  role: z.string().optional(),
  /** Missing when a candidate was cut before any output (e.g. thinking used every token). */
  parts: z.array(Part).optional(),
});

export const FunctionDeclaration = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  /** OpenAPI-subset schema (see `json_schema.ts`). */
  parameters: z.record(z.string(), z.unknown()).optional(),
  /** Full JSON Schema; mutually exclusive with `parameters`. */
  parametersJsonSchema: z.unknown().optional(),
});

export const Tool = z.looseObject({ functionDeclarations: z.array(FunctionDeclaration) });

export const FunctionCallingMode = z.enum(["AUTO", "ANY", "NONE", "VALIDATED"]);

export const ToolConfig = z.looseObject({
  functionCallingConfig: z.looseObject({
    mode: FunctionCallingMode,
    allowedFunctionNames: z.array(z.string()).optional(),
  }),
});

/** `thinkingBudget` (Gemini 2.5) and `thinkingLevel` (Gemini 3) exclude each other: 400. */
export const ThinkingConfig = z.looseObject({
  thinkingBudget: z.number().int().optional(),
  thinkingLevel: z.string().optional(),
  includeThoughts: z.boolean().optional(),
});

export const GenerationConfig = z.looseObject({
  stopSequences: z.array(z.string()).optional(),
  responseMimeType: z.string().optional(),
  responseSchema: z.record(z.string(), z.unknown()).optional(),
  responseJsonSchema: z.unknown().optional(),
  candidateCount: z.number().int().optional(),
  maxOutputTokens: z.number().int().optional(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  topK: z.number().optional(),
  seed: z.number().int().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  thinkingConfig: ThinkingConfig.optional(),
  responseLogprobs: z.boolean().optional(),
  /** Top candidates per token, with `responseLogprobs`. */
  logprobs: z.number().int().optional(),
  responseModalities: z.array(z.string()).optional(),
});

export const SafetySetting = z.looseObject({ category: z.string(), threshold: z.string() });

/** Body of `models/{model}:generateContent` and `:streamGenerateContent`. */
export const GenerateContentRequest = z.looseObject({
  contents: z.array(Content),
  systemInstruction: Content.optional(),
  tools: z.array(Tool).optional(),
  toolConfig: ToolConfig.optional(),
  generationConfig: GenerationConfig.optional(),
  safetySettings: z.array(SafetySetting).optional(),
});

export const UsageMetadata = z.looseObject({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
});

const LogprobsCandidate = z.looseObject({
  token: z.string().optional(),
  tokenId: z.number().optional(),
  logProbability: z.number().optional(),
});

/** Per decoding step: the chosen token and the top candidates (`responseLogprobs`). */
export const LogprobsResult = z.looseObject({
  chosenCandidates: z.array(LogprobsCandidate).optional(),
  topCandidates: z.array(z.looseObject({ candidates: z.array(LogprobsCandidate).optional() }))
    .optional(),
});

export const Candidate = z.looseObject({
  content: Content.optional(),
  logprobsResult: LogprobsResult.optional(),
  avgLogprobs: z.number().optional(),
  /** STOP, MAX_TOKENS, SAFETY, RECITATION, BLOCKLIST, ...; absent on mid-stream chunks. */
  finishReason: z.string().optional(),
  finishMessage: z.string().optional(),
  index: z.number().int().optional(),
});

export const PromptFeedback = z.looseObject({
  blockReason: z.string().optional(),
  blockReasonMessage: z.string().optional(),
});

/** A `generateContent` answer, and also every event of `streamGenerateContent?alt=sse`. */
export const GenerateContentResponse = z.looseObject({
  candidates: z.array(Candidate).optional(),
  promptFeedback: PromptFeedback.optional(),
  usageMetadata: UsageMetadata.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});

export const EmbedContentRequest = z.looseObject({
  /** `models/{model}`: must name the same model as the URL. */
  model: z.string(),
  content: Content,
  taskType: z.string().optional(),
  outputDimensionality: z.number().int().optional(),
});

export const BatchEmbedContentsRequest = z.looseObject({ requests: z.array(EmbedContentRequest) });

export const BatchEmbedContentsResponse = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
  usageMetadata: UsageMetadata.optional(),
});

export const Model = z.looseObject({
  /** `models/{model}`. */
  name: z.string(),
  displayName: z.string().optional(),
  supportedGenerationMethods: z.array(z.string()).optional(),
});

/** `GET /models`, paginated with `pageToken`. */
export const ListModelsResponse = z.looseObject({
  models: z.array(Model).optional(),
  nextPageToken: z.string().optional(),
});

/** Google's standard error (`google.rpc.Status` in JSON). */
export const ErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.number().int(),
    message: z.string(),
    /** The canonical code name: INVALID_ARGUMENT, RESOURCE_EXHAUSTED, ... */
    status: z.string().optional(),
    details: z.array(z.looseObject({ "@type": z.string().optional() })).optional(),
  }),
});

export type InlineData = z.infer<typeof InlineData>;
export type FileData = z.infer<typeof FileData>;
export type FunctionCall = z.infer<typeof FunctionCall>;
export type FunctionResponse = z.infer<typeof FunctionResponse>;
export type Part = z.infer<typeof Part>;
export type Content = z.infer<typeof Content>;
export type FunctionDeclaration = z.infer<typeof FunctionDeclaration>;
export type Tool = z.infer<typeof Tool>;
export type FunctionCallingMode = z.infer<typeof FunctionCallingMode>;
export type ToolConfig = z.infer<typeof ToolConfig>;
export type GenerationConfig = z.infer<typeof GenerationConfig>;
export type SafetySetting = z.infer<typeof SafetySetting>;
export type GenerateContentRequest = z.infer<typeof GenerateContentRequest>;
export type UsageMetadata = z.infer<typeof UsageMetadata>;
export type Candidate = z.infer<typeof Candidate>;
export type LogprobsResult = z.infer<typeof LogprobsResult>;
export type PromptFeedback = z.infer<typeof PromptFeedback>;
export type GenerateContentResponse = z.infer<typeof GenerateContentResponse>;
export type EmbedContentRequest = z.infer<typeof EmbedContentRequest>;
export type BatchEmbedContentsRequest = z.infer<typeof BatchEmbedContentsRequest>;
export type BatchEmbedContentsResponse = z.infer<typeof BatchEmbedContentsResponse>;
export type Model = z.infer<typeof Model>;
export type ListModelsResponse = z.infer<typeof ListModelsResponse>;
export type ErrorBody = z.infer<typeof ErrorBody>;
