/**
 * Usage summaries for `/stats` and `/admin/stats`, read from the ledger (so every instance on the
 * KV is counted, not only the one answering): totals and per-channel success, failure and latency
 * over a window, HTTP apart from WebSocket.
 */
import type { Dimension } from "../store/keys.ts";
import { type Counters, latencyQuantile, seenIds, series, total } from "./query.ts";

/** The figures a summary shows for one id. */
export interface Summary {
  requests: number;
  success: number;
  failure: number;
  http: number;
  websocket: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** Requests whose tokens were (partly) estimated. */
  estimated: number;
  cost_usd: number;
  latency_ms: { avg: number | null; p50: number | null; p95: number | null };
  /** Latency minus time waiting on upstreams, averaged: the gateway's own share. */
  overhead_ms_avg: number | null;
}

export function summarize(c: Counters): Summary {
  const avg = (sum: number) => c.requests > 0 ? Math.round(sum / c.requests * 10) / 10 : null;
  const quantile = (q: number) => {
    const v = latencyQuantile(c, q);
    return v === undefined ? null : Number.isFinite(v) ? v : null;
  };
  return {
    requests: c.requests,
    success: c.requests - c.errors,
    failure: c.errors,
    http: c.requests - c.websocket,
    websocket: c.websocket,
    prompt_tokens: c.prompt_tokens,
    completion_tokens: c.completion_tokens,
    cached_tokens: c.cached_tokens,
    reasoning_tokens: c.reasoning_tokens,
    estimated: c.estimated,
    cost_usd: c.cost_nano_usd / 1e9,
    latency_ms: { avg: avg(c.latency_ms), p50: quantile(0.5), p95: quantile(0.95) },
    overhead_ms_avg: c.requests > 0 ? Math.round(c.overhead_us / c.requests) / 1000 : null,
  };
}

/** One id's counters over `[from, to]`, read at hour granularity (minute for under 3 hours). */
export async function windowTotal(
  kv: Deno.Kv,
  dimension: Dimension,
  id: string,
  from: number,
  to: number,
): Promise<Counters> {
  const granularity = to - from <= 3 * 3_600_000 ? "minute" : "hour";
  return total(await series(kv, { granularity, dimension, id, from, to }));
}

/** Summaries of every id a dimension has seen, over `[from, to]`, busiest first. */
export async function summaries(
  kv: Deno.Kv,
  dimension: Dimension,
  from: number,
  to: number,
): Promise<{ id: string; summary: Summary }[]> {
  const ids = await seenIds(kv, dimension);
  const rows = await Promise.all(ids.map(async (id) => ({
    id,
    summary: summarize(await windowTotal(kv, dimension, id, from, to)),
  })));
  return rows.filter((r) => r.summary.requests > 0).sort((a, b) =>
    b.summary.requests - a.summary.requests
  );
}
