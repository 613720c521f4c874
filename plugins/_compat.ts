/**
 * Small helpers shared by the OpenAI-compatible presets. Not a plugin: the leading `_` keeps it
 * out of discovery. Like a plugin, it imports only the plugin contract.
 */
import type { Usage } from "../src/plugin/contract.ts";

type Json = Record<string, unknown>;

function isUsage(value: unknown): value is Usage {
  return typeof value === "object" && value !== null &&
    typeof (value as Json).prompt_tokens === "number";
}

/**
 * An `extractUsage` hook for upstreams that report cached prompt tokens in their own field
 * (DeepSeek `prompt_cache_hit_tokens`, Moonshot `cached_tokens`) instead of OpenAI's
 * `prompt_tokens_details.cached_tokens`, so the `cached_input` price applies to them.
 * Also finds usage inside `choices[0]`, where older Moonshot streams put it.
 *
 * @example
 * ```ts
 * export default definePlugin({ ...openai, name: "acme", extractUsage: usageWithCachedField("hits") });
 * ```
 */
export function usageWithCachedField(field: string): (data: unknown) => Usage | undefined {
  return (data) => {
    if (typeof data !== "object" || data === null) return undefined;
    const json = data as Json;
    const first = Array.isArray(json.choices) ? json.choices[0] as Json | undefined : undefined;
    const usage = isUsage(json.usage)
      ? json.usage
      : isUsage(first?.usage)
      ? first.usage
      : undefined;
    if (!usage) return undefined;
    const cached = (usage as Json)[field];
    if (typeof cached !== "number" || usage.prompt_tokens_details?.cached_tokens !== undefined) {
      return usage;
    }
    return {
      ...usage,
      prompt_tokens_details: { ...usage.prompt_tokens_details, cached_tokens: cached },
    };
  };
}

/**
 * Takes signed reasoning out of a chat request for an OpenAI-style upstream. Chat Completions
 * has no `reasoning_details`: they come from another family's answer (Claude's thinking,
 * Gemini's signatures, by OpenRouter's convention), mean nothing here, and a strict server
 * refuses unknown message fields. The `reasoning_content` beside them is that family's thinking
 * too, so it goes with them; `reasoning_content` alone (DeepSeek's, Kimi's, GLM's own) stays,
 * as those upstreams require it back on tool-call turns. Nothing is refused: a conversation that
 * fails over from Claude to GPT simply continues without Claude's thoughts.
 *
 * @example
 * ```ts
 * withoutSignedReasoning({ messages: [{ role: "assistant", content: "4", reasoning_details: [] }] });
 * ```
 */
export function withoutSignedReasoning(body: { messages?: unknown }): void {
  if (!Array.isArray(body.messages)) return;
  body.messages = body.messages.map((message: unknown) => {
    if (typeof message !== "object" || message === null || !("reasoning_details" in message)) {
      return message;
    }
    const { reasoning_details: details, ...rest } = message as Json;
    if (Array.isArray(details) && details.length > 0) delete rest.reasoning_content;
    return rest;
  });
}

/**
 * `reasoning_effort: "none"` for upstreams whose switch is `thinking: {type: "disabled"}`
 * (DeepSeek, Zhipu GLM, Kimi K2.x) and which take no "none" effort; other efforts pass as they
 * are (each documents its own mapping of OpenAI's values). A client's own `thinking` wins.
 */
export function thinkingSwitch(body: Json): void {
  if (body.reasoning_effort !== "none") return;
  delete body.reasoning_effort;
  body.thinking ??= { type: "disabled" };
}

/** Qwen thinking budgets per effort: the token budgets Google's OpenAI endpoint uses. */
const QWEN_BUDGET: Record<string, number> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 32768,
};

/**
 * `reasoning_effort` as DashScope's Qwen switches, `enable_thinking` and `thinking_budget`
 * (help.aliyun.com/zh/model-studio/deep-thinking), which is how LiteLLM maps it too: `none`
 * turns thinking off, another known effort on with its budget. A client's own switches win; an
 * effort not in the table is left for DashScope to judge.
 */
export function qwenThinking(body: Json): void {
  const effort = body.reasoning_effort;
  if (typeof effort !== "string" || (effort !== "none" && !(effort in QWEN_BUDGET))) return;
  delete body.reasoning_effort;
  body.enable_thinking ??= effort !== "none";
  if (effort !== "none") body.thinking_budget ??= QWEN_BUDGET[effort];
}
