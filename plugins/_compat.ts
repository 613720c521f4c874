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
