/**
 * A Gemini client's `generateContent` request → an OpenAI chat request, for a channel that speaks
 * chat: the conversation (`contents_to_messages.ts`), function declarations and the function
 * calling mode, and `generationConfig`. The reverse of `chat_request.ts`.
 *
 * What chat has no field for: `topK`, `safetySettings` (Google's own filter, which other
 * providers do not have), `mediaResolution` and `toolConfig.retrievalConfig` are hints and are
 * dropped; Gemini's server tools (`googleSearch`, `codeExecution`, ...), cached content, logprobs,
 * speech and non-text output are requests only Gemini can honour: 400, naming the field, so a
 * Gemini channel is tried instead when one serves the model.
 *
 * Reference: https://ai.google.dev/api/generate-content#request-body,
 * https://ai.google.dev/api/generate-content#v1beta.GenerationConfig and
 * https://ai.google.dev/gemini-api/docs/thinking (`thinkingBudget` and `thinkingLevel` become
 * `reasoning_effort` by the shared table, `thinking.ts`).
 */
import type { ChatCompletionRequest } from "../openai.ts";
import { unsupported } from "./_client_error.ts";
import type { GenerateContentBody } from "./client_requests.ts";
import { contentsToMessages } from "./contents_to_messages.ts";
import { fromGeminiSchema } from "./schema_to_json_schema.ts";
import { effortOfThinkingConfig } from "./thinking.ts";

export interface GenerateToChatOptions {
  /** The model as the client named it; routing puts the channel's name in its place. */
  model: string;
  stream: boolean;
}

type ChatTool = { type: "function"; function: { name: string; [key: string]: unknown } };

/** `generationConfig` fields only Gemini can honour, and why. */
const GEMINI_ONLY: Record<string, string> = {
  responseLogprobs: "log probabilities",
  logprobs: "log probabilities",
  speechConfig: "speech output",
  imageConfig: "image output",
  enableAffectiveDialog: "affective dialog",
};

/**
 * Converts a validated request. @throws {GatewayError} 400 for what chat cannot express.
 *
 * @example
 * ```ts
 * generateToChat({ contents: [{ role: "user", parts: [{ text: "Hi" }] }],
 *   generationConfig: { maxOutputTokens: 50 } }, { model: "gpt-4o", stream: false });
 * // → { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], max_tokens: 50 }
 * ```
 */
export function generateToChat(
  body: GenerateContentBody,
  options: GenerateToChatOptions,
): ChatCompletionRequest {
  if (body.cachedContent !== undefined) {
    throw unsupported("cachedContent", "cached content lives on Gemini and is used only there");
  }
  const chat: ChatCompletionRequest = {
    model: options.model,
    messages: contentsToMessages(body.contents, body.systemInstruction),
  };
  // Usage arrives in OpenAI streams only when asked for, and the client's tokens must count.
  if (options.stream) {
    Object.assign(chat, { stream: true, stream_options: { include_usage: true } });
  }
  const tools = chatTools(body.tools ?? []);
  if (tools.length > 0) Object.assign(chat, toolChoice(body.toolConfig, tools));
  Object.assign(chat, generation(body.generationConfig ?? {}));
  return chat;
}

function chatTools(tools: NonNullable<GenerateContentBody["tools"]>): ChatTool[] {
  return tools.flatMap((tool, i) => {
    for (const [key, value] of Object.entries(tool)) {
      if (key !== "functionDeclarations" && value !== undefined && value !== null) {
        throw unsupported(
          `tools[${i}].${key}`,
          `Gemini's ${key} tool runs only on Gemini channels`,
        );
      }
    }
    return (tool.functionDeclarations ?? []).map((fn): ChatTool => ({
      type: "function",
      function: {
        name: fn.name,
        ...(fn.description ? { description: fn.description } : {}),
        parameters: fn.parametersJsonSchema ??
          (fn.parameters ? fromGeminiSchema(fn.parameters) : { type: "object", properties: {} }),
      },
    }));
  });
}

/** `functionCallingConfig` → `tool_choice` (and the tools narrowed to the allowed ones). */
function toolChoice(config: GenerateContentBody["toolConfig"], tools: ChatTool[]) {
  const calling = config?.functionCallingConfig;
  const mode = calling?.mode ?? "AUTO";
  const allowed = calling?.allowedFunctionNames;
  switch (mode) {
    case "AUTO":
    case "MODE_UNSPECIFIED":
    case "VALIDATED":
      return { tools };
    case "NONE":
      return { tools, tool_choice: "none" };
    case "ANY": {
      if (allowed?.length === 1) {
        return { tools, tool_choice: { type: "function", function: { name: allowed[0] } } };
      }
      const kept = allowed ? tools.filter((t) => allowed.includes(t.function.name)) : tools;
      return { tools: kept, tool_choice: "required" };
    }
    default:
      throw unsupported(
        "toolConfig.functionCallingConfig.mode",
        `"${mode}" is not one of AUTO, ANY, NONE, VALIDATED`,
      );
  }
}

function generation(config: NonNullable<GenerateContentBody["generationConfig"]>) {
  for (const [key, what] of Object.entries(GEMINI_ONLY)) {
    const value = config[key];
    if (value !== undefined && value !== null && value !== false) {
      throw unsupported(`generationConfig.${key}`, `${what} is available only on Gemini channels`);
    }
  }
  const modalities = config.responseModalities;
  if (Array.isArray(modalities) && modalities.some((m) => String(m).toUpperCase() !== "TEXT")) {
    throw unsupported("generationConfig.responseModalities", "only TEXT output converts to chat");
  }
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) out[key] = value;
  };
  set("temperature", config.temperature);
  set("top_p", config.topP);
  set("max_tokens", config.maxOutputTokens);
  set("n", config.candidateCount);
  set("seed", config.seed);
  set("presence_penalty", config.presencePenalty);
  set("frequency_penalty", config.frequencyPenalty);
  if (config.stopSequences && config.stopSequences.length > 0) out.stop = config.stopSequences;
  set("reasoning_effort", effortOfThinkingConfig(config.thinkingConfig));
  set("response_format", responseFormat(config));
  return out;
}

function responseFormat(config: NonNullable<GenerateContentBody["generationConfig"]>) {
  const mime = config.responseMimeType;
  if (mime === undefined || mime === "text/plain") return undefined;
  if (mime !== "application/json") {
    throw unsupported(
      "generationConfig.responseMimeType",
      `"${mime}" converts only as JSON or text`,
    );
  }
  const schema = config.responseJsonSchema ??
    (config.responseSchema ? fromGeminiSchema(config.responseSchema) : undefined);
  if (schema === undefined) return { type: "json_object" };
  return { type: "json_schema", json_schema: { name: "response", schema } };
}
