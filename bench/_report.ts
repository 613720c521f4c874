/**
 * Turns the measurements into the tables the benchmark prints: aligned text for the terminal and
 * the same rows as markdown for pasting into bench/RESULTS.md.
 */
import { median } from "./_load.ts";
import type { MemoryResult, TtfbResult } from "./_probes.ts";

/** `variant` rows (Sluice with logging or auth off) are shown but never judged. */
export type TargetKind = "direct" | "nginx" | "passthrough" | "sluice" | "variant";

export interface TargetResult {
  label: string;
  kind: TargetKind;
  /** Requests per second at 64 connections, one entry per round. */
  rps: number[];
  /** CPU time the target's process spent per request at 64 connections, µs, per round. */
  cpuUs: number[];
  /** Failed requests over every run (non-2xx, socket errors, timeouts). */
  errors: number;
  /** Latency at one connection, ms, one entry per round. */
  p50: number[];
  p99: number[];
}

export interface Report {
  date: string;
  command: string;
  machine: string[];
  tool: string;
  notes: string[];
  targets: TargetResult[];
  ttfb: TtfbResult | string;
  memory: { idle?: number; afterLoad?: number; streams: MemoryResult | string };
}

/** The budgets the team must meet (SPEC §9, lead's brief). */
export const GOALS = {
  throughputVsPassthrough: 0.9,
  cpuVsPassthrough: 1.25,
  addedP50Ms: 0.3,
  addedP99Ms: 1,
  addedTtfbP50Ms: 0.5,
};

/** CPU µs per request as shown: nginx's proxy row net of the direct row (shared workers). */
export function cpuOf(report: Report, t: TargetResult): number {
  const own = stat(t.cpuUs);
  if (t.kind !== "nginx") return own;
  const direct = find(report, "direct");
  return direct ? own - stat(direct.cpuUs) : NaN;
}

const ms = (v: number | undefined) => v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(3);
const plusMs = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? "—" : `${v >= 0 ? "+" : ""}${v.toFixed(3)}`;
const ratio = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? "—" : `${v.toFixed(2)}×`;
const mib = (v: number | undefined) => v === undefined ? "—" : `${v.toFixed(1)} MiB`;

function find(report: Report, kind: TargetKind) {
  return report.targets.find((t) => t.kind === kind);
}

function stat(values: number[]) {
  return values.length ? median(values) : NaN;
}

export interface Verdict {
  goal: string;
  measured: string;
  met: boolean | undefined;
}

export function verdicts(report: Report): Verdict[] {
  const direct = find(report, "direct");
  const pass = find(report, "passthrough");
  const sluice = find(report, "sluice");
  const tput = sluice && pass ? stat(sluice.rps) / stat(pass.rps) : NaN;
  const d50 = sluice && direct ? stat(sluice.p50) - stat(direct.p50) : NaN;
  const d99 = sluice && direct ? stat(sluice.p99) - stat(direct.p99) : NaN;
  const cpu = sluice && pass ? cpuOf(report, sluice) / cpuOf(report, pass) : NaN;
  const ttfb = typeof report.ttfb === "string"
    ? NaN
    : report.ttfb.gateway.p50 - report.ttfb.direct.p50;
  const judge = (v: number, ok: (v: number) => boolean) => Number.isFinite(v) ? ok(v) : undefined;
  return [
    {
      goal: `throughput at c=64 ≥ ${GOALS.throughputVsPassthrough}× Deno passthrough`,
      measured: ratio(tput),
      met: judge(tput, (v) => v >= GOALS.throughputVsPassthrough),
    },
    {
      goal: `CPU per request ≤ ${GOALS.cpuVsPassthrough}× Deno passthrough`,
      measured: ratio(cpu),
      met: judge(cpu, (v) => v <= GOALS.cpuVsPassthrough),
    },
    {
      goal: `added p50 at c=1 ≤ ${GOALS.addedP50Ms} ms`,
      measured: `${plusMs(d50)} ms`,
      met: judge(d50, (v) => v <= GOALS.addedP50Ms),
    },
    {
      goal: `added p99 at c=1 ≤ ${GOALS.addedP99Ms} ms`,
      measured: `${plusMs(d99)} ms`,
      met: judge(d99, (v) => v <= GOALS.addedP99Ms),
    },
    {
      goal: `stream TTFB added p50 ≤ ${GOALS.addedTtfbP50Ms} ms`,
      measured: `${plusMs(ttfb)} ms`,
      met: judge(ttfb, (v) => v <= GOALS.addedTtfbP50Ms),
    },
  ];
}

/** Header row and body rows of the main table. */
export function mainRows(report: Report): string[][] {
  const direct = find(report, "direct");
  const pass = find(report, "passthrough");
  const nginx = find(report, "nginx");
  const rows = [[
    "target",
    "req/s c=64 (median, min–max)",
    "× passthrough",
    "× nginx proxy",
    "CPU µs/req",
    "p50 c=1 ms",
    "p99 c=1 ms",
    "added p50 ms",
    "added p99 ms",
  ]];
  for (const t of report.targets) {
    const rps = stat(t.rps);
    const range = t.rps.length
      ? ` (${Math.min(...t.rps).toFixed(0)}–${Math.max(...t.rps).toFixed(0)})`
      : "";
    const isDirect = t.kind === "direct";
    rows.push([
      t.label + (t.errors ? ` [${t.errors} errors]` : ""),
      `${Number.isFinite(rps) ? rps.toFixed(0) : "—"}${range}`,
      ratio(pass ? rps / stat(pass.rps) : undefined),
      ratio(nginx ? rps / stat(nginx.rps) : undefined),
      t.cpuUs.length && Number.isFinite(cpuOf(report, t)) ? cpuOf(report, t).toFixed(0) : "—",
      ms(stat(t.p50)),
      ms(stat(t.p99)),
      isDirect ? "(baseline)" : plusMs(direct ? stat(t.p50) - stat(direct.p50) : undefined),
      isDirect ? "(baseline)" : plusMs(direct ? stat(t.p99) - stat(direct.p99) : undefined),
    ]);
  }
  return rows;
}

export function extraRows(report: Report): string[][] {
  const rows = [["measure", "direct", "through Sluice", "added"]];
  if (typeof report.ttfb === "string") {
    rows.push(["stream TTFB", "failed", report.ttfb, "—"]);
  } else {
    const { direct, gateway, samples } = report.ttfb;
    rows.push([
      `stream TTFB p50 (${samples} sequential)`,
      `${ms(direct.p50)} ms`,
      `${ms(gateway.p50)} ms`,
      `${plusMs(gateway.p50 - direct.p50)} ms`,
    ]);
    rows.push([
      `stream TTFB p99 (${samples} sequential)`,
      `${ms(direct.p99)} ms`,
      `${ms(gateway.p99)} ms`,
      `${plusMs(gateway.p99 - direct.p99)} ms`,
    ]);
  }
  const m = report.memory;
  rows.push(["Sluice RSS idle (after start)", "", mib(m.idle), ""]);
  rows.push(["Sluice RSS idle (after the load runs)", "", mib(m.afterLoad), ""]);
  if (typeof m.streams === "string") {
    rows.push(["Sluice RSS with open streams", "", `failed: ${m.streams}`, ""]);
  } else {
    const s = m.streams;
    const base = m.afterLoad ?? m.idle;
    const per = s.rssOpen !== undefined && base !== undefined && s.opened > 0
      ? `${(((s.rssOpen - base) * 1024) / s.opened).toFixed(1)} KiB/stream`
      : "";
    rows.push([
      `Sluice RSS with ${s.opened}/${s.streams} open streams (opened in ${
        s.openSeconds.toFixed(1)
      } s)`,
      "",
      mib(s.rssOpen),
      per,
    ]);
    rows.push(["Sluice RSS after closing them", "", mib(s.rssAfter), ""]);
    if (s.upstreamOpen !== undefined) {
      rows.push([
        "upstream streams still open 2 s after the clients closed",
        "",
        String(s.upstreamOpen),
        s.upstreamOpen > 0 ? "LEAK: Sluice did not cancel them" : "",
      ]);
    }
  }
  return rows;
}

function verdictRows(report: Report): string[][] {
  return [
    ["goal", "measured", "met"],
    ...verdicts(report).map((v) => [
      v.goal,
      v.measured,
      v.met === undefined ? "n/a" : v.met ? "yes" : "NO",
    ]),
  ];
}

function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)]
    .join("\n");
}

function markdownTable(rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(" | ")} |`;
  return [line(rows[0]), line(rows[0].map(() => "---")), ...rows.slice(1).map(line)].join("\n");
}

function render(report: Report, table: (rows: string[][]) => string, markdown: boolean): string {
  const item = (s: string) => markdown ? `- ${s}` : `  ${s}`;
  const heading = (s: string) => markdown ? `### ${s}` : `== ${s}`;
  const text = [
    heading(`Sluice benchmark, ${report.date}`),
    "",
    item(`command: \`${report.command}\``),
    ...report.machine.map(item),
    item(`load tool: ${report.tool}`),
    ...report.notes.map((n) => item(`note: ${n}`)),
    "",
    table(mainRows(report)),
    "",
    table(extraRows(report)),
    "",
    table(verdictRows(report)),
    "",
  ].join("\n");
  return markdown ? text : text.replaceAll("`", "");
}

export function renderText(report: Report): string {
  return render(report, textTable, false);
}

export function renderMarkdown(report: Report): string {
  return render(report, markdownTable, true);
}
