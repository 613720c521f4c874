/**
 * List prices of common models, USD per million tokens, used when a channel's config has no
 * `price` for the model. A channel's `price` (and its per-model overrides) always wins: these are
 * a convenience so that usage has a cost out of the box, not a contract — providers change them,
 * and regional or negotiated prices differ. Keys are upstream model names; a dated snapshot
 * (`gpt-4o-2024-08-06`) takes the price of its longest listed prefix.
 *
 * Sources (checked 2026-12): OpenAI platform pricing (via developers.openai.com/api/docs/pricing
 * as quoted by deploybase.ai and chatgptpricing pages, March–June 2026), Anthropic pricing
 * (claude.com/pricing), Google AI pricing (ai.google.dev/gemini-api/docs/pricing), DeepSeek
 * (api-docs.deepseek.com/quick_start/pricing).
 */

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Price of prompt tokens served from the provider's cache, where it differs. */
  cached_input?: number;
}

export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  "gpt-5": { input: 1.25, output: 10, cached_input: 0.125 },
  "gpt-5-mini": { input: 0.25, output: 2, cached_input: 0.025 },
  "gpt-5-nano": { input: 0.05, output: 0.4, cached_input: 0.005 },
  "gpt-4.1": { input: 2, output: 8, cached_input: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cached_input: 0.1 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cached_input: 0.025 },
  "gpt-4o": { input: 2.5, output: 10, cached_input: 1.25 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cached_input: 0.075 },
  "o3": { input: 2, output: 8, cached_input: 0.5 },
  "o3-mini": { input: 1.1, output: 4.4, cached_input: 0.55 },
  "o4-mini": { input: 1.1, output: 4.4, cached_input: 0.275 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  // Anthropic (cached_input: cache reads)
  "claude-opus-4-6": { input: 5, output: 25, cached_input: 0.5 },
  "claude-opus-4-5": { input: 5, output: 25, cached_input: 0.5 },
  "claude-opus-4": { input: 15, output: 75, cached_input: 1.5 },
  "claude-sonnet-4": { input: 3, output: 15, cached_input: 0.3 },
  "claude-haiku-4-5": { input: 1, output: 5, cached_input: 0.1 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cached_input: 0.08 },
  // Google (prompts up to 200K tokens)
  "gemini-2.5-pro": { input: 1.25, output: 10 },
  "gemini-2.5-flash": { input: 0.3, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, output: 0.4 },
  "gemini-2.0-flash": { input: 0.1, output: 0.4 },
  // DeepSeek
  "deepseek-chat": { input: 0.27, output: 1.1, cached_input: 0.07 },
  "deepseek-reasoner": { input: 0.55, output: 2.19, cached_input: 0.14 },
};

/** Answers already looked up: every request asks twice (admission and cost), for few models. */
const looked = new Map<string, ModelPrice | undefined>();

/** The listed price of `model`, or of its longest listed prefix (`gpt-4o-2024-08-06` → `gpt-4o`). */
export function defaultPrice(model: string): ModelPrice | undefined {
  if (looked.has(model)) return looked.get(model);
  let best: string | undefined;
  if (Object.hasOwn(DEFAULT_PRICES, model)) best = model;
  else {
    for (const name in DEFAULT_PRICES) {
      if (model.startsWith(name + "-") && (!best || name.length > best.length)) best = name;
    }
  }
  // Bounded: model names come from clients (unknown ones are refused, but not before pricing).
  if (looked.size >= 1000) looked.clear();
  looked.set(model, best ? DEFAULT_PRICES[best] : undefined);
  return looked.get(model);
}
