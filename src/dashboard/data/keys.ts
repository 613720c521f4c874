/**
 * The Keys page's rows: each gateway key's allow-lists, expiry, quota left (settled usage from
 * KV) and today's usage (UTC) from the ledger. The key itself is never read here: only its name.
 */
import type { GatewayKeyConfig, LimitsConfig } from "../../config/schema.ts";
import type { Gateway } from "../../gateway/build.ts";
import { quotaRef, type Quotas, quotaSnapshots } from "../../quota/quotas.ts";
import type { QuotaLine } from "../components/ui.tsx";
import { todayCounters } from "./today.ts";

export interface KeyRow {
  name: string;
  /** Defined in the config file (read-only here) or in KV through the admin API. */
  source: "file" | "kv";
  enabled: boolean;
  channels?: readonly string[];
  models?: readonly string[];
  /** As configured (what the edit form shows); `quota` has the usage against them. */
  limits?: LimitsConfig;
  /** Epoch ms. */
  expires?: number;
  expired: boolean;
  requests: number;
  errors: number;
  tokens: number;
  costUsd: number;
  quota: QuotaLine[];
}

export async function keyRows(
  gateway: Gateway,
  kv: Deno.Kv,
  quotas: Quotas,
  now: number,
): Promise<KeyRow[]> {
  const configs: readonly GatewayKeyConfig[] = gateway.config.keys;
  const refs = configs.map((k) => k.limits ? quotaRef("key", k.name, k.limits) : undefined);
  const [today] = await Promise.all([
    todayCounters(kv, "key", configs.map((k) => k.name), TODAY_METRICS, now),
    ...refs.map((ref) => ref && quotas.sync(ref)),
  ]);
  return configs.map((config, i) => {
    const usage = today.get(config.name)!;
    const ref = refs[i];
    const expires = config.expires?.getTime();
    return {
      name: config.name,
      source: gateway.stored.keys.has(config.name) ? "kv" as const : "file" as const,
      enabled: config.enabled,
      channels: config.channels,
      models: config.models,
      limits: config.limits,
      expires,
      expired: expires !== undefined && expires <= now,
      requests: usage.requests,
      errors: usage.errors,
      tokens: usage.prompt_tokens + usage.completion_tokens,
      costUsd: usage.cost_nano_usd / 1e9,
      quota: ref ? quotaSnapshots(quotas, [ref]) : [],
    };
  });
}

const TODAY_METRICS = [
  "requests",
  "errors",
  "prompt_tokens",
  "completion_tokens",
  "cost_nano_usd",
] as const;
