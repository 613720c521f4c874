/**
 * The price of a model on a channel (USD per million tokens) and what a request's usage cost.
 * Lookup order: the channel's per-model override (by requested, then upstream name), the
 * channel's own `price`, then the built-in list price of the upstream model.
 */
import type { PriceConfig } from "../config/schema.ts";
import type { TokenUsage } from "../stats/record.ts";
import { defaultPrice, type ModelPrice } from "./default_prices.ts";

export type { ModelPrice };

/** The configured price of `model` on a channel, ignoring built-in list prices. */
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

/** The price that applies: configured, else the built-in list price of the upstream model. */
export function effectivePrice(
  price: PriceConfig | undefined,
  model: string,
  upstreamModel = model,
): ModelPrice | undefined {
  return priceFor(price, model, upstreamModel) ?? defaultPrice(upstreamModel) ??
    defaultPrice(model);
}

/**
 * USD for `usage` at `price`: cached prompt tokens at the cached rate (the input rate when the
 * price names none), the rest of the prompt at the input rate, completion (reasoning included,
 * as providers bill it) at the output rate.
 */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const cached = Math.min(usage.cached ?? 0, usage.prompt);
  const fresh = usage.prompt - cached;
  return (fresh * price.input + cached * (price.cached_input ?? price.input) +
    usage.completion * price.output) / 1e6;
}

/** A cost as a header value: USD with up to 8 decimals, no exponent. */
export function formatCost(usd: number): string {
  return usd.toFixed(8).replace(/\.?0+$/, "") || "0";
}
