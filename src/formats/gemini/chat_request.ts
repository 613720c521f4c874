/**
 * An OpenAI chat completion request → a Gemini `generateContent` body: the conversation (see
 * `contents.ts`), tools and tool choice, sampling and length settings, and JSON mode.
 *
 * Reference: https://ai.google.dev/api/generate-content#request-body and, for the tool choice
 * modes, https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes.
 * Reasoning effort: `thinking.ts`; log probabilities: `logprobs.ts`. Audio answers (OpenAI's
 * `modalities: ["audio"]`, `audio`) have no conversion here and are a 400, not a text answer.
 * `prompt_cache_key` is a routing hint Gemini has no field for (it caches implicitly) and is
 * left out.
 */
import type { ChatCompletionRequest } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import { messagesToContents } from "./contents.ts";
import { isEmptyObjectSchema, stripMetaKeywords, toGeminiSchema } from "./json_schema.ts";
import { logprobsConfig } from "./logprobs.ts";
import { thinkingConfigFor } from "./thinking.ts";
import type {
  FunctionDeclaration,
  GenerateContentRequest,
  GenerationConfig,
  SafetySetting,
  ToolConfig,
} from "./schema.ts";

export interface ChatToGeminiOptions {
  /**
   * Send schemas as full JSON Schema (`parametersJsonSchema`, `responseJsonSchema`) instead of
   * converting them to Gemini's OpenAPI subset. Newer models only. @default false
   */
  jsonSchema?: boolean;
  /** See `ContentsOptions.fillMissingSignatures`. @default false */
  fillMissingSignatures?: boolean;
  /** Sent as `safetySettings` unchanged. */
  safetySettings?: SafetySetting[];
  /** Channel defaults under the request's own settings (e.g. `topK`, `thinkingConfig`). */
  generationConfig?: Record<string, unknown>;
  /**
   * The upstream model, which decides between `thinkingBudget` and `thinkingLevel`.
   * @default the request's `model`
   */
  model?: string;
}

/**
 * Converts a chat request. Throws {@link UpstreamError} 400 for what Gemini cannot express.
 *
 * @example
 * ```ts
 * chatToGemini({ model: "gemini-2.5-flash", messages: [
 *   { role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] });
 * // → { contents: [{ role: "user", parts: [{ text: "Hi" }] }],
 * //     systemInstruction: { parts: [{ text: "Be brief." }] } }
 * ```
 */
export function chatToGemini(
  request: ChatCompletionRequest,
  options: ChatToGeminiOptions = {},
): GenerateContentRequest {
  const { contents, systemInstruction } = messagesToContents(request.messages, options);
  if (contents.length === 0) {
    throw new UpstreamError(
      400,
      "messages: Gemini needs at least one user or assistant message besides system messages",
      "invalid_request_error",
    );
  }
  const body: GenerateContentRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const declarations = functionDeclarations(request, options.jsonSchema === true);
  const toolConfig = toolChoice(request.tool_choice);
  if (declarations.length > 0) {
    body.tools = [{ functionDeclarations: declarations }];
    if (toolConfig) body.toolConfig = toolConfig;
  }

  const generationConfig = generation(request, options);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (options.safetySettings && options.safetySettings.length > 0) {
    body.safetySettings = options.safetySettings;
  }
  return body;
}

function functionDeclarations(
  request: ChatCompletionRequest,
  jsonSchema: boolean,
): FunctionDeclaration[] {
  const tools = request.tools ?? [];
  const legacy = (request.functions ?? []) as Record<string, unknown>[];
  const functions = [
    ...tools.map((tool, i) => {
      if (tool.type !== "function" || !tool.function) {
        throw new UpstreamError(
          400,
          `tools[${i}]: tool type "${tool.type}" is not supported by Gemini`,
          "invalid_request_error",
        );
      }
      return tool.function as Record<string, unknown> & { name: string };
    }),
    ...legacy.filter((f): f is Record<string, unknown> & { name: string } =>
      typeof f.name === "string"
    ),
  ];
  return functions.map((fn) => {
    const declaration: FunctionDeclaration = { name: fn.name };
    if (typeof fn.description === "string") declaration.description = fn.description;
    // A function without parameters must omit them: Gemini rejects an OBJECT with no properties.
    if (!isEmptyObjectSchema(fn.parameters)) {
      if (jsonSchema) declaration.parametersJsonSchema = stripMetaKeywords(fn.parameters);
      else declaration.parameters = toGeminiSchema(fn.parameters);
    }
    return declaration;
  });
}

function toolChoice(choice: ChatCompletionRequest["tool_choice"]): ToolConfig | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === "string") {
    const mode = ({ auto: "AUTO", none: "NONE", required: "ANY" } as const)[choice];
    if (!mode) {
      throw new UpstreamError(
        400,
        `tool_choice: "${choice}" is not one of auto, none, required`,
        "invalid_request_error",
      );
    }
    return { functionCallingConfig: { mode } };
  }
  const name = (choice.function as { name?: unknown } | undefined)?.name;
  if (choice.type === "function" && typeof name === "string") {
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } };
  }
  throw new UpstreamError(
    400,
    `tool_choice: type "${choice.type}" is not supported by Gemini`,
    "invalid_request_error",
  );
}

function generation(
  request: ChatCompletionRequest,
  options: ChatToGeminiOptions,
): GenerationConfig {
  const config: GenerationConfig = { ...options.generationConfig };
  const set = <K extends keyof GenerationConfig>(key: K, value: GenerationConfig[K] | null) => {
    if (value !== undefined && value !== null) config[key] = value;
  };
  set("temperature", request.temperature);
  set("topP", request.top_p);
  set("maxOutputTokens", request.max_completion_tokens ?? request.max_tokens);
  set("candidateCount", request.n);
  set("seed", numberOr(request.seed));
  set("presencePenalty", numberOr(request.presence_penalty));
  set("frequencyPenalty", numberOr(request.frequency_penalty));
  if (typeof request.stop === "string") config.stopSequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) {
    config.stopSequences = request.stop;
  }

  const thinking = thinkingConfigFor(
    request.reasoning_effort,
    options.model ?? request.model,
    config.thinkingConfig,
  );
  if (thinking) config.thinkingConfig = thinking;
  Object.assign(config, logprobsConfig(request));
  if (request.modalities?.includes("audio") || request.audio) {
    throw new UpstreamError(
      400,
      "modalities: audio answers are not supported on Gemini channels; ask for text",
      "invalid_request_error",
    );
  }

  const format = request.response_format;
  if (format?.type === "json_object") config.responseMimeType = "application/json";
  else if (format?.type === "json_schema") {
    const schema = (format.json_schema as { schema?: unknown } | undefined)?.schema;
    config.responseMimeType = "application/json";
    if (schema !== undefined) {
      if (options.jsonSchema) config.responseJsonSchema = stripMetaKeywords(schema);
      else config.responseSchema = toGeminiSchema(schema);
    }
  }
  return config;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
