/**
 * OpenAI chat request → Anthropic Messages request, for channels that speak Anthropic.
 *
 * The body is rebuilt field by field rather than copied, because Anthropic rejects fields it does
 * not know. Where the dialects differ:
 * - system and developer messages, wherever they stand, join the top-level `system`;
 * - tool messages become `tool_result` blocks in a user turn, and consecutive turns of one role
 *   are merged, since Anthropic expects user and assistant to alternate;
 * - `response_format` has no Anthropic twin: JSON mode becomes a system instruction (with the
 *   schema, for `json_schema`). That is what Anthropic's docs recommend for consistent JSON
 *   output, and it keeps the answer in ordinary text blocks, as the OpenAI client expects;
 * - `temperature` above Anthropic's maximum of 1 is clamped to 1;
 * - `reasoning_effort` becomes thinking (see `thinking.ts`), an assistant turn's Anthropic
 *   `reasoning_details` its thinking blocks again (see `reasoning.ts`), and `cache_control`
 *   breakpoints stay where the client put them (see `content_from_chat.ts`);
 * - what Claude cannot do is a 400 naming the field, never a quiet drop: `n` > 1, `logprobs`,
 *   audio output. Hints that change no answer (`prompt_cache_key`, `store`, `seed`...) are left
 *   out, as Anthropic would refuse them as unknown fields.
 */
import type { ChatCompletionRequest, ChatMessage } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import type {
  ContentBlockParam,
  MessageParam,
  MessagesRequest,
  TextBlock,
  ToolChoice,
} from "./request.ts";
import { toolUseId } from "./_ids.ts";
import {
  cacheOf,
  contentBlocks,
  systemBlocks,
  systemField,
  withMessageCache,
} from "./content_from_chat.ts";
import { blocksOfDetails } from "./reasoning.ts";
import { thinkingFields, type ThinkingMode } from "./thinking.ts";

export interface ChatToMessagesOptions {
  /** The model name sent upstream. */
  model: string;
  /** `max_tokens` when the client sets none; Anthropic requires one. */
  defaultMaxTokens: number;
  stream: boolean;
  /** How the model takes thinking. @default by model name, see `thinkingModeOf` */
  thinking?: ThinkingMode;
}

/** Converts a validated OpenAI chat request. @throws {ConversionError} for what Claude lacks. */
export function chatToMessagesRequest(
  body: ChatCompletionRequest,
  options: ChatToMessagesOptions,
): MessagesRequest {
  refuseUnsupported(body);
  const system: TextBlock[] = [];
  const turns: MessageParam[] = [];
  const push = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  body.messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message.role) {
      case "system":
      case "developer":
        return void system.push(...systemBlocks(message, `${at}.content`));
      case "user":
        return push(
          "user",
          withMessageCache(contentBlocks(message.content, `${at}.content`), message),
        );
      case "assistant":
        return push("assistant", withMessageCache(assistantBlocks(message, at), message));
      case "tool":
        return push("user", [{
          type: "tool_result",
          tool_use_id: toolUseId(message.tool_call_id ?? ""),
          content: typeof message.content === "string"
            ? message.content
            : contentBlocks(message.content, `${at}.content`),
          ...cacheOf(message),
        }]);
      default:
        throw new ConversionError(
          `Messages with role "${message.role}" cannot be sent to Anthropic; use tool messages`,
          `${at}.role`,
        );
    }
  });
  if (turns.length === 0) {
    throw new ConversionError("Anthropic needs at least one user or assistant message", "messages");
  }
  const instruction = jsonInstruction(body.response_format);
  if (instruction) system.push({ type: "text", text: instruction });

  const { max_tokens, ...thinking } = thinkingFields(body, {
    model: options.model,
    defaultMaxTokens: options.defaultMaxTokens,
    mode: options.thinking,
  });
  const out: MessagesRequest = { model: options.model, max_tokens, messages: turns.map(simplify) };
  const systemValue = systemField(system);
  if (systemValue !== undefined) out.system = systemValue;
  Object.assign(out, thinking);
  if (options.stream) out.stream = true;
  if (typeof body.temperature === "number") out.temperature = Math.min(body.temperature, 1);
  if (typeof body.top_p === "number") out.top_p = body.top_p;
  // Not an OpenAI field, but vLLM-style clients send it and Anthropic supports it.
  if (typeof body.top_k === "number") out.top_k = body.top_k;
  if (body.stop) out.stop_sequences = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (typeof body.user === "string") out.metadata = { user_id: body.user };
  if (body.tools && body.tools.length > 0) {
    out.tools = body.tools.map((tool, i) => {
      if (tool.type !== "function" || !tool.function) {
        throw new ConversionError(
          `Tool type "${tool.type}" cannot be sent to Anthropic; only function tools can`,
          `tools[${i}].type`,
        );
      }
      const fn = tool.function as { name: string; description?: string; parameters?: unknown };
      return {
        name: fn.name,
        ...(fn.description ? { description: fn.description } : {}),
        input_schema: (fn.parameters as Record<string, unknown>) ??
          { type: "object", properties: {} },
        ...cacheOf(tool),
      };
    });
    const choice = toolChoice(body.tool_choice, body.parallel_tool_calls === false);
    if (choice) out.tool_choice = choice;
  }
  return out;
}

function toolChoice(
  choice: ChatCompletionRequest["tool_choice"],
  noParallel: boolean,
): ToolChoice | undefined {
  const parallel = noParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any", ...parallel };
  if (choice && typeof choice === "object") {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name === "string") return { type: "tool", name, ...parallel };
  }
  return noParallel ? { type: "auto", ...parallel } : undefined;
}

/** What Claude cannot do for an OpenAI client, refused by name. */
function refuseUnsupported(body: ChatCompletionRequest): void {
  if (typeof body.n === "number" && body.n > 1) {
    throw new ConversionError(
      `Anthropic models return one choice; "n" must be 1, not ${body.n}`,
      "n",
    );
  }
  if (body.logprobs === true || (body.top_logprobs ?? 0) > 0) {
    throw new ConversionError(
      "Anthropic models do not return log probabilities; leave logprobs unset",
      body.logprobs === true ? "logprobs" : "top_logprobs",
    );
  }
  if (body.modalities?.includes("audio") || body.audio) {
    throw new ConversionError("Anthropic models do not answer in audio", "modalities");
  }
}

/** Thinking blocks first (Claude's own order), then text, then tool calls. */
function assistantBlocks(message: ChatMessage, at: string): ContentBlockParam[] {
  const blocks = [
    ...blocksOfDetails(message.reasoning_details) as ContentBlockParam[],
    ...contentBlocks(message.content, `${at}.content`),
  ];
  message.tool_calls?.forEach((call, j) => {
    let input: unknown;
    try {
      input = call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
    } catch (error) {
      throw new ConversionError(
        `Tool call arguments are not valid JSON: ${error instanceof Error ? error.message : error}`,
        `${at}.tool_calls[${j}].function.arguments`,
      );
    }
    blocks.push({ type: "tool_use", id: toolUseId(call.id), name: call.function.name, input });
  });
  return blocks;
}

/** A turn made of one text block reads better, and caches the same, as a plain string. */
function simplify(turn: MessageParam): MessageParam {
  const blocks = turn.content;
  if (
    Array.isArray(blocks) && blocks.length === 1 && blocks[0].type === "text" &&
    !blocks[0].cache_control
  ) {
    return { role: turn.role, content: (blocks[0] as { text: string }).text };
  }
  return turn;
}

function jsonInstruction(format: ChatCompletionRequest["response_format"]): string | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") {
    return "Respond with a single valid JSON object and nothing else: no prose, no code fences.";
  }
  if (format.type === "json_schema") {
    const spec = (format as { json_schema?: { name?: unknown; schema?: unknown } }).json_schema;
    return "Respond with a single valid JSON value and nothing else: no prose, no code fences. " +
      `It must conform to this JSON Schema${
        typeof spec?.name === "string" ? ` ("${spec.name}")` : ""
      }:\n` +
      JSON.stringify(spec?.schema ?? {});
  }
  return undefined;
}
