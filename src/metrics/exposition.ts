/**
 * The pieces of the Prometheus text exposition format (version 0.0.4) that a registry renders
 * with: name checks, escaping, sample values. From the format's definition
 * (prometheus/docs, `content/docs/instrumenting/exposition_formats.md`, "Text format details"):
 *
 * - lines end in `\n`, the last one too; `# HELP name text` and `# TYPE name type` come before a
 *   metric's samples, once each, and all lines of a metric form one uninterrupted group;
 * - in HELP text only the backslash and the line feed are escaped (`\\`, `\n`); in a label value
 *   the backslash, the double quote and the line feed (`\\`, `\"`, `\n`);
 * - a value is a Go `ParseFloat` float, so `+Inf`, `-Inf` and `NaN` are spelled that way;
 * - metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`, and
 *   label names starting with `__` are reserved.
 *
 * Everything here runs when a series is created or a scrape renders, never per request.
 */

/** The `Content-Type` of the text format. */
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** @throws {Error} when `name` is not a valid metric name. */
export function checkMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) throw new Error(`Invalid metric name "${name}"`);
}

/**
 * @param reserved label names the metric type claims for itself (`le` for a histogram).
 * @throws {Error} when a name is invalid, reserved or repeated.
 */
export function checkLabelNames(
  metric: string,
  names: readonly string[],
  reserved: readonly string[] = [],
): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!LABEL_NAME.test(name) || name.startsWith("__") || reserved.includes(name)) {
      throw new Error(`Invalid label name "${name}" for metric "${metric}"`);
    }
    if (seen.has(name)) throw new Error(`Repeated label name "${name}" for metric "${metric}"`);
    seen.add(name);
  }
}

/** HELP text: `\` → `\\`, line feed → `\n`. */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => c === "\\" ? "\\\\" : "\\n");
}

/** A label value: `\` → `\\`, `"` → `\"`, line feed → `\n`. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => c === "\\" ? "\\\\" : c === '"' ? '\\"' : "\\n");
}

/**
 * `{a="x",b="y"}` for the names and values given, `""` when there are none. `extra` is appended
 * as is (a histogram's `le="…"`, already escaped).
 */
export function labelSet(names: readonly string[], values: readonly string[], extra = ""): string {
  const pairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? "")}"`);
  if (extra) pairs.push(extra);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

/** A sample value as Go's `ParseFloat` reads it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
