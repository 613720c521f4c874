/**
 * The Overview's numbers: the whole gateway's counters per bucket over a range (a minute each for
 * the last hour, an hour each for a day or a week), their totals, and the figures the page shows,
 * formatted once on the server so the page and its JSON refresh read the same.
 */
import type { Granularity } from "../../store/keys.ts";
import { spanOf } from "../../usage/batch.ts";
import { latencyQuantile, series, total } from "../../usage/query.ts";
import { summarize, type Summary } from "../../usage/stats.ts";
import type { Locale } from "../i18n/mod.ts";

export type Range = "hour" | "day" | "week";

export const RANGES: Record<Range, { span: number; granularity: Granularity }> = {
  hour: { span: 3_600_000, granularity: "minute" },
  day: { span: 86_400_000, granularity: "hour" },
  week: { span: 7 * 86_400_000, granularity: "hour" },
};

export function rangeOf(value: string | undefined): Range {
  return value === "day" || value === "week" ? value : "hour";
}

/** One bucket as the charts draw it. */
export interface Point {
  /** Bucket start, epoch seconds (uPlot's x unit). */
  t: number;
  requests: number;
  errors: number;
  prompt: number;
  completion: number;
  cost: number;
  /** Histogram bucket bounds, ms; null without requests (a gap in the line). */
  p50: number | null;
  p95: number | null;
  http: number;
  websocket: number;
  /** Average gateway overhead per request, ms. */
  overhead: number | null;
}

export interface Overview {
  range: Range;
  from: number;
  to: number;
  granularity: Granularity;
  totals: Summary;
  points: Point[];
  live: { active: number; sessions: number };
}

export async function overview(
  kv: Deno.Kv,
  range: Range,
  now: number,
  live: Overview["live"],
): Promise<Overview> {
  const { span, granularity } = RANGES[range];
  // The first bucket is the one after `now - span`, so the range holds exactly span/step buckets.
  const from = now - span + spanOf(granularity);
  const raw = await series(kv, { granularity, dimension: "all", id: "*", from, to: now });
  const points = raw.map(({ time, counters: c }): Point => {
    const q = (p: number) => {
      const v = latencyQuantile(c, p);
      return v === undefined || !Number.isFinite(v) ? null : v;
    };
    return {
      t: time / 1000,
      requests: c.requests,
      errors: c.errors,
      prompt: c.prompt_tokens,
      completion: c.completion_tokens,
      cost: c.cost_nano_usd / 1e9,
      p50: q(0.5),
      p95: q(0.95),
      http: c.requests - c.websocket,
      websocket: c.websocket,
      overhead: c.requests > 0 ? Math.round(c.overhead_us / c.requests) / 1000 : null,
    };
  });
  return {
    range,
    from,
    to: now,
    granularity,
    totals: summarize(total(raw)),
    points,
    live,
  };
}

/** The Overview's headline figures by name, formatted in the page's language. */
export function overviewFigures(o: Overview, loc: Locale): Record<string, string> {
  const s = o.totals;
  const rate = s.requests > 0 ? (s.failure / s.requests) * 100 : 0;
  return {
    requests: loc.num(s.requests),
    errors: loc.num(s.failure),
    error_rate: `${loc.num(rate, 1)}% ${loc.t("overview.error_rate")}`,
    tokens: loc.num(s.prompt_tokens + s.completion_tokens),
    tokens_split: `${loc.num(s.prompt_tokens)} / ${loc.num(s.completion_tokens)}`,
    cost: loc.usd(s.cost_usd),
    latency: `${loc.ms(s.latency_ms.p50)} / ${loc.ms(s.latency_ms.p95)}`,
    protocols: `${loc.num(s.http)} / ${loc.num(s.websocket)}`,
    overhead: loc.ms(s.overhead_ms_avg),
    active: loc.num(o.live.active),
    sessions: loc.num(o.live.sessions),
  };
}

/** Columns for uPlot: `[x, ...series]`, each an array over the buckets. */
export function chartColumns(points: readonly Point[]): Record<string, (number | null)[]> {
  const column = (f: (p: Point) => number | null) => points.map(f);
  return {
    t: column((p) => p.t),
    requests: column((p) => p.requests),
    errors: column((p) => p.errors),
    prompt: column((p) => p.prompt),
    completion: column((p) => p.completion),
    cost: column((p) => p.cost),
    p50: column((p) => p.p50),
    p95: column((p) => p.p95),
    http: column((p) => p.http),
    websocket: column((p) => p.websocket),
    overhead: column((p) => p.overhead),
  };
}
