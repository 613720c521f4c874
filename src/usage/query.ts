/**
 * Reading the usage ledger back: series of counters over time (for charts), totals over a range
 * (for `/stats`, quotas and the dashboard), latency percentiles from the histogram, and the
 * recent-request log with filters. Every read goes through the keys of `src/store/keys.ts`.
 */
import type { RequestRecord } from "../stats/record.ts";
import { type Dimension, type Granularity, recentKeys, usageKeys } from "../store/keys.ts";
import { bucketStart, LATENCY_BUCKETS_MS, type Metric, METRICS, spanOf } from "./batch.ts";

export type Counters = Record<Metric, number>;

export interface SeriesPoint {
  /** Start of the bucket, epoch ms. */
  time: number;
  counters: Counters;
}

export function emptyCounters(): Counters {
  return Object.fromEntries(METRICS.map((m) => [m, 0])) as Counters;
}

/**
 * One dimension's counters per bucket from `from` to `to` (epoch ms), every bucket present
 * (empty ones zero), oldest first.
 */
export async function series(
  kv: Deno.Kv,
  query: { granularity: Granularity; dimension: Dimension; id: string; from: number; to: number },
): Promise<SeriesPoint[]> {
  const { granularity: g, dimension, id } = query;
  const first = bucketStart(g, query.from);
  const last = bucketStart(g, query.to);
  const points = new Map<number, SeriesPoint>();
  for (let t = first; t <= last; t += spanOf(g)) {
    points.set(t, { time: t, counters: emptyCounters() });
  }
  const entries = kv.list<Deno.KvU64>({
    start: [...usageKeys.bucket(g, dimension, id, first)],
    end: [...usageKeys.bucket(g, dimension, id, last + 1)],
  });
  for await (const entry of entries) {
    const bucket = entry.key.at(-2) as number;
    const metric = entry.key.at(-1) as Metric;
    const point = points.get(bucket);
    if (point && metric in point.counters) point.counters[metric] = Number(entry.value.value);
  }
  return [...points.values()];
}

/** The counters of a series added up. */
export function total(points: readonly SeriesPoint[]): Counters {
  const sum = emptyCounters();
  for (const point of points) {
    for (const metric of METRICS) sum[metric] += point.counters[metric];
  }
  return sum;
}

/**
 * The latency under which `q` (0–1) of requests finished, estimated from the histogram as
 * Prometheus' `histogram_quantile` does: linearly within the bucket that holds it; in the
 * unbounded last bucket, its lower bound (the figure is then "at least").
 */
export function latencyQuantile(counters: Counters, q: number): number | undefined {
  const counts = [
    ...LATENCY_BUCKETS_MS.map((le) => counters[`latency_le_${le}` as Metric]),
    counters.latency_le_inf,
  ];
  const all = counts.reduce((a, b) => a + b, 0);
  if (all === 0) return undefined;
  const rank = q * all;
  let seen = 0;
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (counts[i] > 0 && seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1];
      const within = (rank - seen) / counts[i];
      return Math.round((lower + (LATENCY_BUCKETS_MS[i] - lower) * within) * 10) / 10;
    }
    seen += counts[i];
  }
  return LATENCY_BUCKETS_MS.at(-1)!;
}

/** Ids a dimension has seen (channels, models or keys with usage). */
export async function seenIds(kv: Deno.Kv, dimension: Dimension): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of kv.list({ prefix: usageKeys.seenAll(dimension) })) {
    ids.push(String(entry.key.at(-1)));
  }
  return ids;
}

export interface RecentFilter {
  key?: string;
  channel?: string;
  model?: string;
  /** An exact status, or a class such as "4xx". */
  status?: string;
  /** Epoch ms bounds. */
  from?: number;
  to?: number;
  /** @default 100, at most 1000 */
  limit?: number;
}

/** The recent-request log, newest first, filtered. */
export async function recent(kv: Deno.Kv, filter: RecentFilter = {}): Promise<RequestRecord[]> {
  const limit = Math.min(Math.max(1, filter.limit ?? 100), 1000);
  const out: RequestRecord[] = [];
  const entries = kv.list<RequestRecord>({
    start: [...recentKeys.entry(filter.from ?? 0, "")],
    end: [...recentKeys.entry(filter.to ?? Number.MAX_SAFE_INTEGER, "")],
  }, { reverse: true, batchSize: 200 });
  let scanned = 0;
  for await (const { value } of entries) {
    // A bound on the scan, so a filter that matches nothing cannot read the whole log.
    if (++scanned > 20_000) break;
    if (!matches(value, filter)) continue;
    out.push(value);
    if (out.length >= limit) break;
  }
  return out;
}

function matches(r: RequestRecord, f: RecentFilter): boolean {
  if (f.key !== undefined && r.key !== f.key) return false;
  if (f.channel !== undefined && r.channel !== f.channel) return false;
  if (f.model !== undefined && r.model !== f.model) return false;
  if (f.status !== undefined) {
    const cls = /^([1-5])xx$/i.exec(f.status);
    if (cls ? Math.floor(r.status / 100) !== Number(cls[1]) : String(r.status) !== f.status) {
      return false;
    }
  }
  return true;
}
