/**
 * Load generators: wrk when installed (the reference's tool), else hey, else a fetch loop in this
 * process (least accurate: it shares a core with what it measures). Each returns requests per
 * second and, with `latency`, p50/p99 in milliseconds.
 */
import { available } from "./_procs.ts";

export type Tool = "wrk" | "hey" | "deno-fetch";

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  key: string;
  model: string;
  /** The reference's wrk script (post.lua). */
  luaScript: string;
  /** Record the latency distribution. */
  latency?: boolean;
}

export interface LoadResult {
  rps: number;
  requests: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  errors: number;
  p50Ms?: number;
  p99Ms?: number;
}

export async function detectTool(): Promise<Tool> {
  if (await available("wrk", ["-v"])) return "wrk";
  if (await available("hey", ["-n", "0"])) return "hey";
  return "deno-fetch";
}

/** The request post.lua sends, for the tools that cannot run it. */
export function requestBody(model: string): string {
  return JSON.stringify({
    model,
    messages: [{ role: "user", content: "Say hello in one short sentence." }],
  });
}

export function runLoad(tool: Tool, options: LoadOptions): Promise<LoadResult> {
  switch (tool) {
    case "wrk":
      return runWrk(options);
    case "hey":
      return runHey(options);
    case "deno-fetch":
      return runFetchLoop(options);
  }
}

async function output(command: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(command, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr);
    throw new Error(`${command} failed (exit ${out.code}): ${err.trim() || text.trim()}`);
  }
  return text;
}

async function runWrk(o: LoadOptions): Promise<LoadResult> {
  const args = ["-t1", `-c${o.connections}`, `-d${o.seconds}s`, "-s", o.luaScript];
  if (o.latency) args.push("--latency");
  args.push(o.url);
  return parseWrk(await output("wrk", args, { BENCH_KEY: o.key, BENCH_MODEL: o.model }));
}

async function runHey(o: LoadOptions): Promise<LoadResult> {
  return parseHey(
    await output("hey", [
      "-z",
      `${o.seconds}s`,
      "-c",
      String(o.connections),
      "-m",
      "POST",
      "-T",
      "application/json",
      "-H",
      `Authorization: Bearer ${o.key}`,
      "-d",
      requestBody(o.model),
      o.url,
    ]),
  );
}

const WRK_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Reads wrk's report (with or without `--latency`). */
export function parseWrk(text: string): LoadResult {
  const rps = Number(text.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`Unexpected wrk output: ${text.trim()}`);
  const requests = Number(text.match(/(\d+) requests in/)?.[1] ?? 0);
  let errors = Number(text.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const socket = text.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  if (socket) errors += socket.slice(1).reduce((sum, n) => sum + Number(n), 0);
  const percentile = (p: string) => {
    const m = text.match(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, "m"));
    return m ? Number(m[1]) * WRK_UNITS[m[2]] : undefined;
  };
  return { rps, requests, errors, p50Ms: percentile("50"), p99Ms: percentile("99") };
}

/** Reads hey's report. Its latencies have 0.1 ms resolution. */
export function parseHey(text: string): LoadResult {
  const rps = Number(text.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  if (!Number.isFinite(rps)) throw new Error(`Unexpected hey output: ${text.trim()}`);
  let requests = 0;
  let errors = 0;
  for (const [, code, n] of text.matchAll(/^\s+\[(\d+)\]\s+(\d+) responses/gm)) {
    requests += Number(n);
    if (!code.startsWith("2")) errors += Number(n);
  }
  const errorSection = text.split("Error distribution:")[1] ?? "";
  for (const [, n] of errorSection.matchAll(/^\s+\[(\d+)\]/gm)) errors += Number(n);
  const percentile = (p: string) => {
    const m = text.match(new RegExp(`^\\s+${p}% in ([\\d.]+) secs`, "m"));
    return m ? Number((Number(m[1]) * 1_000).toFixed(4)) : undefined;
  };
  return { rps, requests, errors, p50Ms: percentile("50"), p99Ms: percentile("99") };
}

/** `connections` sequential fetch loops in this process for `seconds`. */
async function runFetchLoop(o: LoadOptions): Promise<LoadResult> {
  const body = requestBody(o.model);
  const headers = { "content-type": "application/json", authorization: `Bearer ${o.key}` };
  const times: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + o.seconds * 1_000;
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: o.connections });
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await fetch(o.url, { method: "POST", headers, body, client });
        await res.arrayBuffer();
        if (!res.ok) errors++;
      } catch {
        errors++;
      }
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: o.connections }, loop));
  client.close();
  const elapsed = (performance.now() - start) / 1_000;
  return {
    rps: times.length / elapsed,
    requests: times.length,
    errors,
    p50Ms: o.latency ? percentile(times, 50) : undefined,
    p99Ms: o.latency ? percentile(times, 99) : undefined,
  };
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = samples.toSorted((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
