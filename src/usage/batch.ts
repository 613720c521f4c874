/**
 * Usage added up in memory between two flushes. Each request adds to one row per granularity
 * (minute, hour, day) and dimension (everything, its channel, model, key and channel/model):
 * fifteen rows of integer counters. The request path does one map update (requests are summed by
 * minute, key, channel and model, and the rows built from those sums at drain) and never waits on
 * KV. The flush turns every non-zero counter into one KV `sum`.
 */
import type { Dimension, Granularity } from "../store/keys.ts";
import type { RequestRecord } from "../stats/record.ts";

/**
 * Upper bounds (ms) of the latency histogram, the last bucket unbounded: fine at the low end,
 * where a cached or local answer takes a few ms and the p50 of a fast upstream lives.
 */
export const LATENCY_BUCKETS_MS = [
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1_000,
  2_500,
  5_000,
  10_000,
  30_000,
  60_000,
  120_000,
];

/** Every counter a row has, in storage order. Costs are in nano-USD (integers add exactly). */
export const METRICS = [
  "requests",
  "errors",
  "websocket",
  "prompt_tokens",
  "completion_tokens",
  "cached_tokens",
  "reasoning_tokens",
  "estimated",
  "cost_nano_usd",
  "latency_ms",
  "ttfb_ms",
  "upstream_ms",
  "overhead_us",
  ...LATENCY_BUCKETS_MS.map((le) => `latency_le_${le}`),
  "latency_le_inf",
] as const;

export type Metric = (typeof METRICS)[number];

const INDEX = new Map<string, number>(METRICS.map((m, i) => [m, i]));
const LATENCY_FIRST = INDEX.get(`latency_le_${LATENCY_BUCKETS_MS[0]}`)!;

export const GRANULARITIES: readonly Granularity[] = ["minute", "hour", "day"];
const SPAN_MS: Readonly<Record<Granularity, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The start of the bucket holding `time` (UTC; days start at UTC midnight). */
export function bucketStart(g: Granularity, time: number): number {
  return Math.floor(time / SPAN_MS[g]) * SPAN_MS[g];
}

export function spanOf(g: Granularity): number {
  return SPAN_MS[g];
}

export interface Row {
  granularity: Granularity;
  bucket: number;
  dimension: Dimension;
  id: string;
  values: Float64Array;
}

/** One request's dimensions at minute grain: what a request adds to, before expanding. */
interface Group {
  minute: number;
  key: string;
  channel?: string;
  model?: string;
  values: Float64Array;
}

export class UsageBatch {
  /**
   * Requests summed by minute, key, channel and model: one map update per request. The fifteen
   * rows they feed (three granularities by five dimensions) are built once per group, at drain.
   */
  #groups = new Map<string, Group>();
  /** Rows put back after a failed flush, already expanded. */
  #rows = new Map<string, Row>();

  get size(): number {
    return this.#groups.size + this.#rows.size;
  }

  /** Adds one finished request. */
  add(r: RequestRecord): void {
    const minute = bucketStart("minute", r.time);
    // Only resolved requests name a channel and a model: a client's unknown model name on a
    // 404 must not create rows.
    const channel = r.channel;
    const model = channel === undefined ? undefined : r.model;
    const id = `${minute}\u0000${r.key}\u0000${channel ?? "\u0001"}\u0000${model ?? "\u0001"}`;
    let group = this.#groups.get(id);
    if (!group) {
      group = { minute, key: r.key, channel, model, values: new Float64Array(METRICS.length) };
      this.#groups.set(id, group);
    }
    addValues(group.values, r);
  }

  /** Adds a drained row back (after a failed flush). */
  merge(row: Row): void {
    const mine = this.#row(this.#rows, row.granularity, row.bucket, row.dimension, row.id).values;
    for (let i = 0; i < mine.length; i++) mine[i] += row.values[i];
  }

  /** The rows so far; the batch starts empty again. */
  drain(): Row[] {
    const rows = this.#rows;
    for (const group of this.#groups.values()) {
      const { channel, model } = group;
      const dims: [Dimension, string | undefined][] = [
        ["all", "*"],
        ["key", group.key],
        ["channel", channel],
        ["model", model],
        ["route", channel === undefined || model === undefined ? undefined : `${channel}/${model}`],
      ];
      for (const g of GRANULARITIES) {
        const bucket = bucketStart(g, group.minute);
        for (const [dimension, id] of dims) {
          if (id === undefined) continue;
          const row = this.#row(rows, g, bucket, dimension, id).values;
          for (let i = 0; i < row.length; i++) row[i] += group.values[i];
        }
      }
    }
    this.#groups = new Map();
    this.#rows = new Map();
    return [...rows.values()];
  }

  #row(
    rows: Map<string, Row>,
    granularity: Granularity,
    bucket: number,
    dimension: Dimension,
    id: string,
  ): Row {
    const key = `${granularity}\u0000${bucket}\u0000${dimension}\u0000${id}`;
    let row = rows.get(key);
    if (!row) {
      row = { granularity, bucket, dimension, id, values: new Float64Array(METRICS.length) };
      rows.set(key, row);
    }
    return row;
  }
}

/** Adds one request's counters to `v`, in {@link METRICS} order. */
function addValues(v: Float64Array, r: RequestRecord): void {
  const set = (metric: Metric, value: number) =>
    v[INDEX.get(metric)!] += Math.max(0, Math.round(value));
  set("requests", 1);
  set("errors", r.status >= 400 && r.status !== 499 ? 1 : 0);
  set("websocket", r.protocol === "websocket" ? 1 : 0);
  if (r.usage) {
    set("prompt_tokens", r.usage.prompt);
    set("completion_tokens", r.usage.completion);
    set("cached_tokens", r.usage.cached ?? 0);
    set("reasoning_tokens", r.usage.reasoning ?? 0);
    set("estimated", r.usage.estimated ? 1 : 0);
  }
  set("cost_nano_usd", (r.costUsd ?? 0) * 1e9);
  set("latency_ms", r.latencyMs);
  set("ttfb_ms", r.ttfbMs ?? 0);
  set("upstream_ms", r.upstreamMs ?? 0);
  set("overhead_us", (r.latencyMs - (r.upstreamMs ?? 0)) * 1000);
  const bucket = LATENCY_BUCKETS_MS.findIndex((le) => r.latencyMs <= le);
  v[LATENCY_FIRST + (bucket === -1 ? LATENCY_BUCKETS_MS.length : bucket)] += 1;
}
