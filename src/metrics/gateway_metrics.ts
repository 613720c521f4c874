/**
 * The gateway's metrics: a {@link Recorder} that counts each finished request, and the text
 * `GET /metrics` answers, with the gauges read from their sources at that moment.
 *
 * @example Wiring it in the entry
 * ```ts
 * const metrics = new GatewayMetrics({
 *   gateway: () => holder.current,
 *   activeRequests: () => inFlight.count,
 *   startedAt: Date.now(),
 * });
 * const recorder = { record: (r) => { accessLog.record(r); metrics.record(r); } };
 * const app = createApp({ holder, kv, recorder, metrics });
 * ```
 */
import denoJson from "../../deno.json" with { type: "json" };
import type { Recorder, RequestRecord } from "../stats/record.ts";
import { defineMetrics, type GatewayFamilies } from "./definitions.ts";
import { MetricsRecorder } from "./recorder.ts";
import { Registry } from "./registry.ts";
import { collect, type MetricSources } from "./sources.ts";

export interface GatewayMetricsOptions {
  /** For `sluice_build_info`. @default the version in deno.json */
  version?: string;
  /** Series per family before new label sets are counted as "other". @default 1000 */
  maxSeries?: number;
  /** Epoch ms, for uptime. @default Date.now */
  now?: () => number;
}

export class GatewayMetrics implements Recorder {
  readonly #registry = new Registry();
  readonly #families: GatewayFamilies;
  readonly #recorder: MetricsRecorder;
  readonly #now: () => number;

  constructor(private readonly sources: MetricSources, options: GatewayMetricsOptions = {}) {
    this.#families = defineMetrics(this.#registry, options.maxSeries);
    this.#families.buildInfo.series([options.version ?? denoJson.version]).set(1);
    this.#recorder = new MetricsRecorder(this.#families, () => sources.gateway());
    this.#now = options.now ?? Date.now;
  }

  /** Counts a finished request: a few map lookups and additions, nothing formatted. */
  record(record: RequestRecord): void {
    this.#recorder.record(record);
  }

  /** The Prometheus text exposition of every metric, gauges read now. */
  render(): string {
    collect(this.#families, this.sources, this.#now());
    return this.#registry.render();
  }
}
