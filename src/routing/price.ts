/** The price of a model on a channel, from its `price` table (USD per million tokens). */
import type { PriceConfig } from "../config/schema.ts";

export interface ModelPrice {
  input: number;
  output: number;
  cached_input?: number;
}

/** Per-model override (by requested or upstream name), else the channel's default price. */
export function priceFor(
  price: PriceConfig | undefined,
  model: string,
  upstreamModel = model,
): ModelPrice | undefined {
  if (!price) return undefined;
  return price.models?.[model] ?? price.models?.[upstreamModel] ?? price;
}

/** USD for a request's tokens; cached prompt tokens at their own rate when one is set. */
export function costOf(
  price: ModelPrice | undefined,
  usage: { prompt: number; completion: number; cached?: number },
): number | undefined {
  if (!price) return undefined;
  const cached = price.cached_input === undefined ? 0 : usage.cached ?? 0;
  return ((usage.prompt - cached) * price.input + cached * (price.cached_input ?? 0) +
    usage.completion * price.output) / 1_000_000;
}
