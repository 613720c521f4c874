/**
 * What a quota counts: requests, tokens and cost. Cost is held in nano-USD so that sums in KV
 * (`Deno.KvU64`) are exact integers.
 */
import type { LimitsConfig } from "../config/schema.ts";

export const QUOTA_METRICS = ["requests", "tokens", "cost"] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];
export type Amount = Record<QuotaMetric, number>;

export const zero = (): Amount => ({ requests: 0, tokens: 0, cost: 0 });

export function nanoUsd(usd: number): number {
  return Math.round(usd * 1e9);
}

/** The limited metrics of a `limits` block, in the units above. */
export function limitsOf(limits: LimitsConfig): Partial<Amount> {
  const out: Partial<Amount> = {};
  if (limits.requests !== undefined) out.requests = limits.requests;
  if (limits.tokens !== undefined) out.tokens = limits.tokens;
  if (limits.cost !== undefined) out.cost = nanoUsd(limits.cost);
  return out;
}

export function add(a: Amount, b: Amount, sign = 1): void {
  for (const m of QUOTA_METRICS) a[m] += sign * b[m];
}
