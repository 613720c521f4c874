/**
 * Metric families: a name, a HELP text, fixed label names, and one series per set of label
 * values. A family holds at most `maxSeries` series; past that, new label values all land in one
 * overflow series whose every label is `"other"`, so no stream of novel values can grow memory or
 * a scrape without bound, and sums stay right.
 *
 * `series(values)` finds or creates a series (it joins the values into a map key); code on the
 * request path calls it once per label set and keeps the handle, as prom-client's `labels()`
 * children are kept, so recording is a number update. Text is built only by `render`, at scrape.
 */
import {
  checkLabelNames,
  checkMetricName,
  escapeHelp,
  formatValue,
  labelSet,
} from "./exposition.ts";

/** The label value every label of the overflow series has. */
export const OVERFLOW = "other";

export interface FamilyOptions {
  /** The full Prometheus name (`sluice_requests_total`, `…_seconds`). */
  name: string;
  help: string;
  labels?: readonly string[];
  /** Series kept before new label sets go to the overflow series. @default 1000 */
  maxSeries?: number;
}

interface Entry<S> {
  series: S;
  /** `{a="x",b="y"}`, rendered once when the series is created. */
  labels: string;
  values: readonly string[];
}

abstract class Family<S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly maxSeries: number;
  abstract readonly type: "counter" | "gauge" | "histogram";
  readonly #entries = new Map<string, Entry<S>>();
  readonly #overflowKey: string;

  constructor(options: FamilyOptions, reserved: readonly string[] = []) {
    checkMetricName(options.name);
    this.labelNames = options.labels ?? [];
    checkLabelNames(options.name, this.labelNames, reserved);
    this.name = options.name;
    this.help = options.help;
    this.maxSeries = options.maxSeries ?? 1000;
    this.#overflowKey = this.labelNames.map(() => OVERFLOW).join("\u0000");
  }

  /** The series for `values` (one per label name, in order), created on first use. */
  series(values: readonly string[] = []): S {
    if (values.length !== this.labelNames.length) {
      throw new Error(
        `Metric "${this.name}" takes ${this.labelNames.length} label values, got ${values.length}`,
      );
    }
    const key = values.join("\u0000");
    const found = this.#entries.get(key);
    if (found) return found.series;
    if (this.#entries.size >= this.maxSeries && key !== this.#overflowKey) {
      return this.series(this.labelNames.map(() => OVERFLOW));
    }
    const entry = {
      series: this.create(values),
      labels: labelSet(this.labelNames, values),
      values,
    };
    this.#entries.set(key, entry);
    return entry.series;
  }

  /** How many series exist, the overflow series included. */
  get size(): number {
    return this.#entries.size;
  }

  /** Forgets every series (for values read afresh at each scrape, such as breaker states). */
  clear(): void {
    this.#entries.clear();
  }

  /** Appends this family's lines, HELP and TYPE first, as one group. */
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const entry of this.#entries.values()) this.renderSeries(out, entry);
  }

  protected abstract create(values: readonly string[]): S;
  protected abstract renderSeries(out: string[], entry: Entry<S>): void;
}

/**
 * A count that only goes up. Numbers live in typed arrays here and in histograms: adding a
 * fraction (a cost, a duration) to a plain field boxes a new heap number on every update.
 */
export class CounterSeries {
  readonly #value = new Float64Array(1);
  get value(): number {
    return this.#value[0];
  }
  /** Adds `n`; a negative or NaN `n` is ignored, so a counter never goes down. */
  inc(n = 1): void {
    if (n > 0) this.#value[0] += n;
  }
}

export class Counter extends Family<CounterSeries> {
  readonly type = "counter";
  protected create(): CounterSeries {
    return new CounterSeries();
  }
  protected renderSeries(out: string[], e: Entry<CounterSeries>): void {
    out.push(`${this.name}${e.labels} ${formatValue(e.series.value)}`);
  }
}

/** A value that goes up and down. */
export class GaugeSeries {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
}

export class Gauge extends Family<GaugeSeries> {
  readonly type = "gauge";
  protected create(): GaugeSeries {
    return new GaugeSeries();
  }
  protected renderSeries(out: string[], e: Entry<GaugeSeries>): void {
    out.push(`${this.name}${e.labels} ${formatValue(e.series.value)}`);
  }
}

/** Observations counted into fixed buckets (each counted once, made cumulative at render). */
export class HistogramSeries {
  /** Per bucket (the last is `+Inf`), then the sum, then the count. */
  readonly #state: Float64Array;
  readonly #bounds: readonly number[];
  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#state = new Float64Array(bounds.length + 3);
  }
  /** Counts `v` in the first bucket whose upper bound is ≥ `v`; NaN is ignored. */
  observe(v: number): void {
    if (Number.isNaN(v)) return;
    const bounds = this.#bounds;
    const state = this.#state;
    let i = 0;
    while (i < bounds.length && v > bounds[i]) i++;
    state[i]++;
    state[bounds.length + 1] += v;
    state[bounds.length + 2]++;
  }
  /** Observations per bucket, not cumulative; the last is the `+Inf` bucket's own. */
  get counts(): Float64Array {
    return this.#state.subarray(0, this.#bounds.length + 1);
  }
  get sum(): number {
    return this.#state[this.#bounds.length + 1];
  }
  get count(): number {
    return this.#state[this.#bounds.length + 2];
  }
}

export interface HistogramOptions extends FamilyOptions {
  /** Upper bounds, increasing; `+Inf` is implied. */
  buckets: readonly number[];
}

export class Histogram extends Family<HistogramSeries> {
  readonly type = "histogram";
  readonly buckets: readonly number[];
  readonly #le: readonly string[];

  constructor(options: HistogramOptions) {
    super(options, ["le"]);
    const b = options.buckets;
    if (b.some((v, i) => !Number.isFinite(v) || (i > 0 && v <= b[i - 1]))) {
      throw new Error(`Buckets of "${options.name}" must be finite and increasing`);
    }
    this.buckets = [...b];
    this.#le = [...b.map(formatValue), "+Inf"].map((v) => `le="${v}"`);
  }

  protected create(): HistogramSeries {
    return new HistogramSeries(this.buckets);
  }

  protected renderSeries(out: string[], e: Entry<HistogramSeries>): void {
    const { counts, sum, count } = e.series;
    let cumulative = 0;
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i];
      out.push(
        `${this.name}_bucket${labelSet(this.labelNames, e.values, this.#le[i])} ${cumulative}`,
      );
    }
    out.push(`${this.name}_sum${e.labels} ${formatValue(sum)}`);
    out.push(`${this.name}_count${e.labels} ${count}`);
  }
}
