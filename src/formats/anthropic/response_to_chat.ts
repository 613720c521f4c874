/**
 * Anthropic Message → OpenAI chat.completion, and the two mappings every Anthropic → OpenAI
 * answer needs: stop reason → finish reason, and usage.
 *
 * Anthropic counts cached prompt tokens apart from `input_tokens`; OpenAI counts them inside
 * `prompt_tokens` and repeats the cache hits in `prompt_tokens_details.cached_tokens`. Thinking
 * is `reasoning_content` (its text, for display) plus `reasoning_details` (every thinking and
 * redacted thinking block, signed, for replay); Anthropic bills thinking inside
 * `output_tokens` and reports no separate count, so `reasoning_tokens` is not invented.
 */
import type { ChatCompletion, FinishReason, Usage } from "../openai.ts";
import { detailsOfBlocks } from "./reasoning.ts";
import type { DeltaUsage, Message } from "./response.ts";

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/** Anthropic `stop_reason` → OpenAI `finish_reason`; unknown reasons read as a normal stop. */
export function finishReasonOf(stopReason: string | null | undefined): FinishReason {
  return (stopReason && FINISH[stopReason]) || "stop";
}

/** Anthropic usage (from a Message or accumulated from a stream) → OpenAI usage. */
export function chatUsage(usage: Partial<DeltaUsage>): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cacheRead + (usage.cache_creation_input_tokens ?? 0);
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

/** Converts a Message. `created` is the Unix time to stamp (Anthropic sends none). */
export function messageToChatCompletion(
  message: Message,
  created = Math.floor(Date.now() / 1000),
): ChatCompletion {
  let text = "";
  let thinking = "";
  const toolCalls: NonNullable<ChatCompletion["choices"][number]["message"]["tool_calls"]> = [];
  for (const block of message.content) {
    if (block.type === "text") text += String(block.text ?? "");
    else if (block.type === "thinking") thinking += String(block.thinking ?? "");
    else if (block.type === "tool_use") {
      toolCalls.push({
        id: String(block.id),
        type: "function",
        function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
    // server tool blocks: nothing an OpenAI client can use.
  }
  const details = detailsOfBlocks(message.content);
  const hasText = text !== "" || toolCalls.length === 0;
  return {
    id: message.id,
    object: "chat.completion",
    created,
    model: message.model,
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: hasText ? text : null,
        // DeepSeek's field for reasoning, which OpenAI-compatible clients have adopted.
        ...(thinking ? { reasoning_content: thinking } : {}),
        ...(details.length > 0 ? { reasoning_details: details } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        refusal: null,
      },
      finish_reason: finishReasonOf(message.stop_reason),
      logprobs: null,
    }],
    usage: chatUsage(message.usage),
  };
}
