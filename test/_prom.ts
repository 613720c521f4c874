/**
 * The Prometheus text parser the metrics tests read `/metrics` with, for unit tests under `src/`:
 * test-only packages resolve through `test/deno.json`, which covers files in `test/` alone.
 */
export { getMetricsFromIterator, type PromData, type PromHistogramData } from "prom2javascript";
