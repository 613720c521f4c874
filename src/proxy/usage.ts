/** Token usage in the gateway's terms, from the OpenAI `usage` object (the lingua franca). */
import type { Usage } from "../formats/openai.ts";
import type { TokenUsage } from "../stats/record.ts";

export function toTokenUsage(usage: Usage | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage.prompt_tokens !== "number") return undefined;
  const completion = usage.completion_tokens ??
    Math.max(0, (usage.total_tokens ?? usage.prompt_tokens) - usage.prompt_tokens);
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return cached
    ? { prompt: usage.prompt_tokens, completion, cached }
    : { prompt: usage.prompt_tokens, completion };
}

/** Matches a JSON text that carries a non-null `usage` object, before paying for a parse. */
export const HAS_USAGE = /"usage"\s*:\s*\{/;
