/**
 * A Responses request → an OpenAI chat completion request, for channels without the Responses
 * API. The conversation comes from `input_to_messages.ts`; the rest maps one to one:
 *
 * | Responses                         | chat                                              |
 * | --------------------------------- | ------------------------------------------------- |
 * | `max_output_tokens`               | `max_tokens` (what chat-only servers all know)     |
 * | `tools[]` of type `function`      | `tools[].function` (`name`, `description`, ...)    |
 * | `tool_choice` `{type, name}`      | `{type: "function", function: {name}}`             |
 * | `text.format` json_schema         | `response_format: {type: "json_schema", json_schema}` |
 * | `text.verbosity`                  | `verbosity`                                        |
 * | `reasoning.effort`                | `reasoning_effort`                                 |
 * | `parallel_tool_calls`, `temperature`, `top_p`, `user` | the same                       |
 *
 * `store`, `metadata` and `previous_response_id` are the gateway's business (it stores and
 * expands conversations itself); `include`, `truncation` and `reasoning.summary` ask for things a
 * chat answer either has or has not. What chat cannot honour — built-in tools, `background`,
 * `conversation`, `prompt` templates — is a {@link ConversionError} naming the field.
 */
import type { ChatCompletionRequest } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import type { Item } from "./input_items.ts";
import { inputToMessages } from "./input_to_messages.ts";
import type { ResponsesRequest, Tool, ToolChoice } from "./request.ts";

/** Fields only a channel that speaks Responses natively can serve. */
const NATIVE_ONLY = ["background", "conversation", "prompt"] as const;

/**
 * Converts `body`, whose conversation is `items` (the expanded, normalised input).
 * @throws {ConversionError}
 */
export function requestToChat(
  body: ResponsesRequest,
  items: readonly Item[],
  references?: ReadonlyMap<string, Item>,
): ChatCompletionRequest {
  for (const field of NATIVE_ONLY) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== false) {
      throw new ConversionError(
        `"${field}" is served only by channels with the Responses API`,
        field,
      );
    }
  }
  const messages = inputToMessages(items, body.instructions, references);
  if (messages.length === 0) {
    throw new ConversionError("Missing required parameter", "input");
  }
  const chat: ChatCompletionRequest = { model: body.model, messages };
  const copy = <K extends keyof ResponsesRequest>(from: K, to: string) => {
    if (body[from] !== undefined && body[from] !== null) {
      (chat as Record<string, unknown>)[to] = body[from];
    }
  };
  copy("max_output_tokens", "max_tokens");
  copy("temperature", "temperature");
  copy("top_p", "top_p");
  copy("user", "user");
  copy("parallel_tool_calls", "parallel_tool_calls");
  for (const field of ["safety_identifier", "prompt_cache_key", "service_tier"] as const) {
    if (typeof body[field] === "string") (chat as Record<string, unknown>)[field] = body[field];
  }
  if (body.tools && body.tools.length > 0) chat.tools = body.tools.map(chatTool);
  if (body.tool_choice) chat.tool_choice = chatToolChoice(body.tool_choice);
  const format = body.text?.format;
  if (format && format.type !== "text") chat.response_format = responseFormat(format);
  if (body.text?.verbosity) chat.verbosity = body.text.verbosity;
  if (body.reasoning?.effort) chat.reasoning_effort = body.reasoning.effort;
  return chat;
}

function chatTool(tool: Tool, i: number) {
  if (tool.type !== "function") {
    throw new ConversionError(
      `Tool type "${tool.type}" is served only by channels with the Responses API`,
      `tools[${i}].type`,
    );
  }
  if (typeof tool.name !== "string" || tool.name === "") {
    throw new ConversionError("Missing required parameter", `tools[${i}].name`);
  }
  const fn: { name: string; [key: string]: unknown } = { name: tool.name };
  if (tool.description) fn.description = tool.description;
  if (tool.parameters) fn.parameters = tool.parameters;
  if (typeof tool.strict === "boolean") fn.strict = tool.strict;
  return { type: "function", function: fn };
}

function chatToolChoice(choice: ToolChoice): ChatCompletionRequest["tool_choice"] {
  if (typeof choice === "string") return choice;
  if (choice.type === "function" && typeof choice.name === "string") {
    return { type: "function", function: { name: choice.name } };
  }
  throw new ConversionError(
    `tool_choice type "${choice.type}" is served only by channels with the Responses API`,
    "tool_choice.type",
  );
}

function responseFormat(format: NonNullable<NonNullable<ResponsesRequest["text"]>["format"]>) {
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type !== "json_schema") {
    throw new ConversionError(
      `text.format type "${format.type}" cannot be sent to chat channels`,
      "text.format.type",
    );
  }
  if (!format.schema) throw new ConversionError("Missing required parameter", "text.format.schema");
  const schema: Record<string, unknown> = {
    name: format.name ?? "response",
    schema: format.schema,
  };
  if (format.description) schema.description = format.description;
  if (typeof format.strict === "boolean") schema.strict = format.strict;
  return { type: "json_schema", json_schema: schema };
}
