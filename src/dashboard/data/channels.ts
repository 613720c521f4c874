/**
 * The Channels page's rows: every configured channel, in service or not, with its breaker and
 * latency (this instance's view), its quota left (settled usage read from KV, so every instance
 * counts) and today's traffic (UTC) from the ledger. Upstream keys never leave this module:
 * only how many there are.
 */
import type { ChannelConfig } from "../../config/schema.ts";
import type { Gateway } from "../../gateway/build.ts";
import { quotaRef, type Quotas, quotaSnapshots } from "../../quota/quotas.ts";
import type { ChannelState, QuotaLine } from "../components/ui.tsx";
import { maskTree } from "../mask.ts";
import { todayCounters } from "./today.ts";

export interface ChannelRow {
  name: string;
  /** Defined in the config file (read-only here) or in KV through the admin API. */
  source: "file" | "kv";
  plugin: string;
  state: ChannelState;
  enabled: boolean;
  /** Why a channel is not in service (unset key variable, disabled...). */
  reason?: string;
  baseUrl: string;
  models: string;
  priority: number;
  weight: number;
  keyCount: number;
  latencyMs?: number;
  lastError?: string;
  /** Epoch ms an open breaker lets a probe through. */
  openUntil?: number;
  requests: number;
  errors: number;
  costUsd: number;
  quota: QuotaLine[];
}

export async function channelRows(
  gateway: Gateway,
  kv: Deno.Kv,
  quotas: Quotas,
  now: number,
): Promise<ChannelRow[]> {
  const configs = gateway.config.channels;
  const refs = configs.map((c) => c.limits ? quotaRef("channel", c.name, c.limits) : undefined);
  const [today] = await Promise.all([
    todayCounters(kv, "channel", configs.map((c) => c.name), TODAY_METRICS, now),
    ...refs.map((ref) => ref && quotas.sync(ref)),
  ]);
  return configs.map((config, i) => {
    const usage = today.get(config.name)!;
    const ref = refs[i];
    return {
      ...describe(gateway, config),
      requests: usage.requests,
      errors: usage.errors,
      costUsd: usage.cost_nano_usd / 1e9,
      quota: ref ? quotaSnapshots(quotas, [ref]) : [],
    };
  });
}

const TODAY_METRICS = ["requests", "errors", "cost_nano_usd"] as const;

/** What the config and this instance's breaker say about one channel. */
function describe(
  gateway: Gateway,
  config: ChannelConfig,
): Omit<ChannelRow, "requests" | "errors" | "costUsd" | "quota"> {
  const running = gateway.channelsByName.get(config.name);
  const skipped = gateway.skipped.find((s) => s.name === config.name);
  const health = running ? gateway.health.snapshot(config.name) : undefined;
  const state: ChannelState = health?.state ??
    (skipped?.reason === "disabled" || !config.enabled ? "disabled" : "skipped");
  return {
    name: config.name,
    source: gateway.stored.channels.has(config.name) ? "kv" : "file",
    plugin: config.plugin,
    state,
    enabled: config.enabled,
    reason: skipped?.reason,
    baseUrl: String(maskTree(running?.info.baseUrl ?? config.base_url ?? "", "base_url")),
    models: config.models === undefined
      ? ""
      : config.models === "*"
      ? "*"
      : config.models.join(", "),
    priority: config.priority,
    weight: config.weight,
    keyCount: running?.keys.size ?? config.keys.filter((k) => k !== "").length,
    latencyMs: health?.latency_ms,
    lastError: health?.last_error,
    openUntil: health?.open_until,
  };
}
