/**
 * OpenAI chat.completion → Anthropic Message, for Anthropic clients served by an OpenAI-style
 * channel, plus the finish reason and usage mappings that its stream twin shares.
 *
 * The reading is tolerant: an OpenAI-compatible server that omits a field still yields a valid
 * Message, because the answer has already been paid for and the client is waiting on it.
 *
 * Reasoning: Anthropic-family `reasoning_details` (an upstream that relays Claude, such as
 * OpenRouter) become the exact thinking blocks Claude signed. Other reasoning (DeepSeek's
 * `reasoning_content`) becomes a thinking block with an empty signature: Anthropic clients show
 * it, and the empty signature marks it as foreign when it comes back (see `request_to_chat.ts`).
 */
import type { Usage } from "../openai.ts";
import { messageId, toolUseId } from "./_ids.ts";
import { blocksOfDetails } from "./reasoning.ts";
import type { AnthropicUsage, Message, ResponseBlock, StopReason } from "./response.ts";

const STOP: Record<string, StopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  content_filter: "refusal",
};

/** OpenAI `finish_reason` → Anthropic `stop_reason`. */
export function stopReasonOf(finishReason: unknown): StopReason {
  return (typeof finishReason === "string" && STOP[finishReason]) || "end_turn";
}

/** OpenAI usage → Anthropic usage: cache hits move out of `input_tokens` into their own field. */
export function anthropicUsage(usage: Partial<Usage> | null | undefined): AnthropicUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/** Tool arguments as an object; Anthropic requires one, so text that is not one becomes `{}`
 * (a streaming client would see the same text and fail the same way when it parses it). */
export function toolInput(args: unknown): Record<string, unknown> {
  if (typeof args !== "string" || args.trim() === "") return {};
  try {
    const value = JSON.parse(args);
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

interface ChatAnswer {
  id?: unknown;
  model?: unknown;
  choices?: {
    message?: {
      content?: unknown;
      reasoning_content?: unknown;
      reasoning_details?: unknown;
      refusal?: unknown;
      tool_calls?: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }[];
    };
    finish_reason?: unknown;
  }[];
  usage?: Usage | null;
}

/** Converts a chat.completion; `model` names the answer when the upstream did not. */
export function chatCompletionToMessage(completion: unknown, model: string): Message {
  const answer = (completion ?? {}) as ChatAnswer;
  const choice = answer.choices?.[0];
  const message = choice?.message ?? {};
  const content: ResponseBlock[] = blocksOfDetails(message.reasoning_details);
  if (
    content.length === 0 && typeof message.reasoning_content === "string" &&
    message.reasoning_content !== ""
  ) {
    content.push({ type: "thinking", thinking: message.reasoning_content, signature: "" });
  }
  const text = typeof message.content === "string"
    ? message.content
    : typeof message.refusal === "string"
    ? message.refusal
    : "";
  if (text !== "") content.push({ type: "text", text });
  for (const call of message.tool_calls ?? []) {
    content.push({
      type: "tool_use",
      id: toolUseId(String(call.id ?? "")),
      name: String(call.function?.name ?? ""),
      input: toolInput(call.function?.arguments),
    });
  }
  const refused = typeof message.refusal === "string" && message.refusal !== "";
  return {
    id: messageId(answer.id),
    type: "message",
    role: "assistant",
    model: typeof answer.model === "string" && answer.model !== "" ? answer.model : model,
    content,
    stop_reason: refused ? "refusal" : stopReasonOf(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(answer.usage),
  };
}
