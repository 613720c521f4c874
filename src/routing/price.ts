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
  const models = price.models ?? {};
  if (Object.hasOwn(models, model)) return models[model];
  if (Object.hasOwn(models, upstreamModel)) return models[upstreamModel];
  return price;
}
