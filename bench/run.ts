/**
 * `deno task bench`: Sluice measured against the shared reference in one run on this machine —
 * the static upstream (nginx, 9201), nginx `proxy_pass` (9202) and a bare Deno passthrough
 * (9204) — for throughput at 64 connections, latency at one connection, stream time to first
 * byte, and memory with 1,000 open streams (SPEC §9).
 *
 * Environment:
 * - `BENCH_SECONDS` seconds per load run (default 5; latency runs take 60% of it);
 * - `BENCH_ROUNDS` rounds that alternate the targets (default 3; the median is reported);
 * - `BENCH_STREAMS` open streams for the memory probe (default 1000);
 * - `BENCH_TTFB_SAMPLES` sequential streams per side for TTFB (default 300);
 * - `BENCH_VARIANTS` extra Sluice builds by config, comma-separated: `no-log`, `no-auth`,
 *   `no-usage` (no ledger, no quotas);
 * - `BENCH_COMPARE` another checkout of Sluice (e.g. a `git worktree` of an older commit), run
 *   as one more target in the same rounds: before/after figures from one run, same conditions;
 * - `SLUICE_BENCH_REFERENCE` the reference folder (default `../shared/bench` from the repo).
 *
 * Everything listens on and talks to 127.0.0.1 only; every process started here is stopped on
 * exit, error or Ctrl-C. Exits non-zero only when the setup fails.
 */
import { detectTool, runLoad, type Tool } from "./_load.ts";
import { measureStreamsMemory, measureTtfb } from "./_probes.ts";
import {
  available,
  Cleanup,
  cpuMicros,
  cpuTreeMicros,
  freePort,
  portFree,
  type Proc,
  readProc,
  rssMiB,
  run,
  spawn,
  tail,
  waitReady,
} from "./_procs.ts";
import {
  renderMarkdown,
  renderText,
  type Report,
  type TargetKind,
  type TargetResult,
} from "./_report.ts";

const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const envNumber = (name: string, fallback: number) => {
  const v = Number(Deno.env.get(name) ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const SECONDS = envNumber("BENCH_SECONDS", 5);
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 3));
const STREAMS = Math.round(envNumber("BENCH_STREAMS", 1000));
const TTFB_SAMPLES = Math.round(envNumber("BENCH_TTFB_SAMPLES", 300));
const COMPARE = Deno.env.get("BENCH_COMPARE")?.replace(/\/$/, "");
const VARIANTS = (Deno.env.get("BENCH_VARIANTS") ?? "").split(",").map((v) => v.trim())
  .filter(Boolean);
const reference = Deno.env.get("SLUICE_BENCH_REFERENCE") ?? `${repo}/../shared/bench`;

const MODEL = "bench-model";
const KEY = `sk-bench-${crypto.randomUUID()}`;
const HOST = "127.0.0.1";
const UPSTREAM = 9201;
const NGINX_PROXY = 9202;
const PASSTHROUGH = 9204;

class SetupError extends Error {}

const progress = (line: string) => console.error(`[bench] ${line}`);
const cleanup = new Cleanup();

/** Flags of `deno task start`, so the gateway runs exactly as users run it. */
async function startCommand(config: string, checkout = repo): Promise<string[]> {
  const denoJson = JSON.parse(await Deno.readTextFile(`${checkout}/deno.json`));
  const words = String(denoJson.tasks?.start ?? "").split(/\s+/).filter(Boolean);
  if (words[0] !== "deno" || !words.includes("main.ts")) {
    throw new SetupError(`Cannot read the start task from deno.json: "${words.join(" ")}"`);
  }
  const args = words.slice(1).map((w) => w === "main.ts" ? `${checkout}/main.ts` : w);
  // The gateway runs from a scratch folder (its data/ and KV land there), so name the config.
  args.splice(1, 0, "--config", `${checkout}/deno.json`);
  return [...args, "--config", config];
}

function sluiceConfig(port: number, streamPort: number, variant: string): string {
  // The key carries a quota (far out of reach) so admission runs as it would in production;
  // `no-usage` turns the ledger and quotas off, for the "stats and quotas cost" comparison.
  const limits = variant === "no-usage" ? "" : "    limits: { requests: 1000000000 }\n";
  const keys = variant === "no-auth" ? "" : `keys:\n  - name: bench\n    key: ${KEY}\n${limits}`;
  return [
    `# Written by bench/run.ts (variant: ${variant})`,
    `server: { hostname: ${HOST}, port: ${port} }`,
    `log: { requests: ${variant !== "no-log"} }`,
    // Only when off: a BENCH_COMPARE checkout older than the ledger refuses the section.
    variant === "no-usage" ? "usage: { enabled: false }" : "",
    "channels:",
    "  - name: reference",
    "    plugin: openai",
    `    base_url: http://${HOST}:${UPSTREAM}/v1`,
    "    keys: [upstream-key]",
    `    models: [${MODEL}]`,
    "  - name: streams",
    "    plugin: openai",
    `    base_url: http://${HOST}:${streamPort}/v1`,
    "    keys: [upstream-key]",
    "    models: [bench-sse, bench-slow]",
    keys,
  ].join("\n");
}

interface Gateway {
  label: string;
  variant: string;
  url: string;
  proc: Proc;
  stderr: string;
}

async function startSluice(
  tmp: string,
  streamPort: number,
  variant: string,
  preferredPort: number,
  checkout?: string,
): Promise<Gateway> {
  const port = freePort(preferredPort);
  const dir = `${tmp}/sluice-${checkout ? "compare" : variant}`;
  await Deno.mkdir(`${dir}/data`, { recursive: true });
  const config = `${dir}/gateway.yaml`;
  await Deno.writeTextFile(config, sluiceConfig(port, streamPort, variant));
  const command = await startCommand(config, checkout);
  const proc = spawn(`sluice (${checkout ? "compare" : variant})`, Deno.execPath(), command, {
    cwd: dir,
    env: { PORT: String(port) },
    stdoutFile: `${dir}/stdout.log`,
    stderrFile: `${dir}/stderr.log`,
  }, cleanup);
  try {
    await waitReady(`http://${HOST}:${port}/health`, proc, 60_000);
  } catch (error) {
    throw new SetupError(`${(error as Error).message}\n${tail(`${dir}/stderr.log`)}`);
  }
  const label = checkout
    ? `Sluice @ ${await revision(checkout)} (compare)`
    : variant === "default"
    ? "Sluice (auth + log on)"
    : `Sluice ${variant}`;
  return { label, variant, url: `http://${HOST}:${port}`, proc, stderr: `${dir}/stderr.log` };
}

/** The short commit of a checkout, to name it in the report. */
async function revision(checkout: string): Promise<string> {
  return (await run("git", ["-C", checkout, "rev-parse", "--short", "HEAD"]).catch(() => "?"))
    .trim();
}

/** Starts the reference and the stream upstream; returns the passthrough's and nginx's pids. */
async function startReference(tmp: string, nginx: boolean, streamPort: number) {
  let passthroughPid: number | undefined;
  let nginxPid: number | undefined;
  for (const port of nginx ? [UPSTREAM, NGINX_PROXY, PASSTHROUGH] : [UPSTREAM, PASSTHROUGH]) {
    if (!portFree(port)) {
      throw new SetupError(`Port ${port} is in use (another benchmark still running?)`);
    }
  }
  const refDir = `${tmp}/reference`;
  if (nginx) {
    const env = { BENCH_DIR: refDir };
    cleanup.add("reference.sh stop", async () => {
      await run("bash", [`${reference}/reference.sh`, "stop"], { env });
    });
    try {
      await run("bash", [`${reference}/reference.sh`, "start"], { env });
    } catch (error) {
      throw new SetupError(`reference.sh start: ${(error as Error).message}`);
    }
    passthroughPid = Number(await Deno.readTextFile(`${refDir}/passthrough.pid`).catch(() => ""));
    nginxPid = Number(await Deno.readTextFile(`${refDir}/nginx.pid`).catch(() => "")) || undefined;
  } else {
    await Deno.mkdir(refDir, { recursive: true });
    const upstream = spawn(
      "fallback upstream",
      Deno.execPath(),
      [
        "run",
        "--allow-net",
        `${repo}/bench/upstream.ts`,
        "--port",
        String(UPSTREAM),
      ],
      { stdoutFile: `${refDir}/upstream.log`, stderrFile: `${refDir}/upstream.log` },
      cleanup,
    );
    const passthrough = spawn(
      "passthrough",
      Deno.execPath(),
      [
        "run",
        "--allow-net",
        "--allow-env",
        `${reference}/passthrough.ts`,
      ],
      { stdoutFile: `${refDir}/passthrough.log`, stderrFile: `${refDir}/passthrough.log` },
      cleanup,
    );
    await waitReady(`http://${HOST}:${UPSTREAM}/`, upstream, 30_000);
    await waitReady(`http://${HOST}:${PASSTHROUGH}/`, passthrough, 30_000);
    passthroughPid = passthrough.pid;
  }
  const streams = spawn(
    "stream upstream",
    Deno.execPath(),
    [
      "run",
      "--allow-net",
      `${repo}/bench/upstream.ts`,
      "--port",
      String(streamPort),
    ],
    { stdoutFile: `${tmp}/streams.log`, stderrFile: `${tmp}/streams.log` },
    cleanup,
  );
  await waitReady(`http://${HOST}:${streamPort}/`, streams, 30_000);
  return { passthroughPid: passthroughPid || undefined, nginxPid };
}

/** One real request through each target before any load: a broken setup fails here. */
async function checkTarget(url: string, key: string) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }] }),
  });
  const text = await res.text();
  if (!res.ok || !text.includes("Hello from the reference upstream.")) {
    throw new SetupError(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
  }
}

async function machine(tool: Tool, nginx: boolean, loadAtStart: number[]): Promise<string[]> {
  const cpu = (await readProc("/proc/cpuinfo")).match(/^model name\s*:\s*(.+)$/m)?.[1] ??
    "unknown CPU";
  const memKb = Number((await readProc("/proc/meminfo")).match(/^MemTotal:\s+(\d+)/m)?.[1] ?? NaN);
  const version = async (cmd: string, args: string[]) => {
    try {
      const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      const first = text.split("\n").find((l) => l.trim())?.trim() ?? "?";
      return first.replace(/\s*\[epoll\].*$/, "").replace(/^nginx version: /, "");
    } catch {
      return "missing";
    }
  };
  const lines = [
    `machine: ${navigator.hardwareConcurrency} cores (nproc), ${cpu}, ${
      Number.isFinite(memKb) ? `${(memKb / 1024 / 1024).toFixed(1)} GiB RAM` : "RAM unknown"
    }, ${Deno.build.os}/${Deno.build.arch}`,
    `deno ${Deno.version.deno} (v8 ${Deno.version.v8})`,
  ];
  if (tool !== "deno-fetch") lines.push(`${tool}: ${await version(tool, ["-v"])}`);
  if (nginx) lines.push(`nginx: ${await version("nginx", ["-v"])}`);
  lines.push(`load average at start: ${loadAtStart.map((v) => v.toFixed(2)).join(" ")}`);
  return lines;
}

async function main(): Promise<number> {
  const started = Date.now();
  const loadAtStart = Deno.loadavg();
  for (const file of ["post.lua", "passthrough.ts", "reference.sh"]) {
    try {
      await Deno.stat(`${reference}/${file}`);
    } catch {
      throw new SetupError(
        `No ${file} in ${reference}; set SLUICE_BENCH_REFERENCE to the shared bench folder`,
      );
    }
  }
  const tool = await detectTool();
  const nginx = await available("nginx", ["-v"]);
  const notes: string[] = [];
  if (!nginx) {
    notes.push(
      "nginx not installed: the upstream on 9201 is bench/upstream.ts (Deno, same body) " +
        "and the nginx proxy row is skipped",
    );
  }
  if (tool !== "wrk") {
    notes.push(
      `wrk not installed: load generated with ${tool}` + (
        tool === "hey" ? " (latencies at 0.1 ms resolution)" : " in the benchmark process"
      ),
    );
  }
  for (const v of VARIANTS) {
    if (v !== "no-log" && v !== "no-auth" && v !== "no-usage") {
      throw new SetupError(`Unknown BENCH_VARIANTS "${v}"`);
    }
  }
  const latencySeconds = Math.max(1, Math.round(SECONDS * 0.6));
  const loadSeconds = Math.max(1, Math.round(SECONDS));
  const warmSeconds = Math.max(1, Math.round(SECONDS * 0.4));
  const targetsCount = 3 + (nginx ? 1 : 0) + VARIANTS.length + (COMPARE ? 1 : 0);
  const planned = targetsCount * (warmSeconds + ROUNDS * (loadSeconds + latencySeconds)) + 25;
  progress(
    `tool ${tool}; ${ROUNDS} rounds × ${targetsCount} targets; about ${planned}s in all`,
  );

  const tmp = await Deno.makeTempDir({ prefix: "sluice-bench-" });
  cleanup.add("remove temp folder", () => Deno.remove(tmp, { recursive: true }));
  const streamPort = freePort(9211);
  const { passthroughPid, nginxPid } = await startReference(tmp, nginx, streamPort);
  const gateways: Gateway[] = [await startSluice(tmp, streamPort, "default", 9210)];
  for (const v of VARIANTS) gateways.push(await startSluice(tmp, streamPort, v, 9212));
  if (COMPARE) gateways.push(await startSluice(tmp, streamPort, "default", 9214, COMPARE));
  const sluice = gateways[0];
  progress(`reference up; Sluice on ${sluice.url} (pid ${sluice.proc.pid})`);

  const path = "/v1/chat/completions";
  // nginx serves the upstream and the proxy from the same workers: its CPU is read over the
  // whole process tree, and the proxy row reports its run's CPU minus the direct run's.
  type Target = TargetResult & { url: string; pid?: number; tree?: boolean };
  const target = (
    label: string,
    kind: TargetKind,
    port: number | string,
    pid?: number,
    tree = false,
  ): Target => ({
    label,
    kind,
    url: typeof port === "string" ? port + path : `http://${HOST}:${port}${path}`,
    pid,
    tree,
    cpuUs: [],
    rps: [],
    p50: [],
    p99: [],
    errors: 0,
  });
  const targets = [
    target(
      `upstream direct (${nginx ? "nginx" : "Deno"} :${UPSTREAM})`,
      "direct",
      UPSTREAM,
      nginxPid,
      true,
    ),
  ];
  if (nginx) {
    targets.push(
      target(`nginx proxy_pass (:${NGINX_PROXY})`, "nginx", NGINX_PROXY, nginxPid, true),
    );
  }
  targets.push(
    target(`Deno passthrough (:${PASSTHROUGH})`, "passthrough", PASSTHROUGH, passthroughPid),
  );
  for (const g of gateways) {
    // Only this checkout's default build is judged; variants and the compared build are shown.
    const kind = g.variant === "default" && !g.label.includes("(compare)") ? "sluice" : "variant";
    targets.push(target(g.label, kind, g.url, g.proc.pid));
  }
  for (const t of targets) {
    try {
      await checkTarget(t.url, KEY);
    } catch (error) {
      const g = gateways.find((g) => t.url.startsWith(g.url));
      throw new SetupError(`${(error as Error).message}${g ? `\n${tail(g.stderr)}` : ""}`);
    }
  }
  const idle = await rssMiB(sluice.proc.pid);
  // Setup is done: from here on a failed measurement is reported, not fatal.

  const luaScript = `${reference}/post.lua`;
  const load = async (t: Target, connections: number, seconds: number, latency = false) => {
    try {
      return await runLoad(tool, {
        url: t.url,
        connections,
        seconds,
        key: KEY,
        model: MODEL,
        luaScript,
        latency,
      });
    } catch (error) {
      if (interrupted) throw error;
      progress(`${t.label}: ${(error as Error).message}`);
      return { rps: NaN, requests: 0, errors: 1 };
    }
  };
  progress(`warm-up ${warmSeconds}s per target`);
  for (const t of targets) await load(t, 64, warmSeconds);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no target always runs first or last.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const t of order) {
      const cpu = (pid: number) => t.tree ? cpuTreeMicros(pid) : cpuMicros(pid);
      const cpu0 = t.pid ? await cpu(t.pid) : undefined;
      const r = await load(t, 64, loadSeconds);
      const cpu1 = t.pid ? await cpu(t.pid) : undefined;
      if (Number.isFinite(r.rps)) t.rps.push(r.rps);
      if (cpu0 !== undefined && cpu1 !== undefined && r.requests > 0) {
        t.cpuUs.push((cpu1 - cpu0) / r.requests);
      }
      t.errors += r.errors;
      progress(`round ${round + 1}/${ROUNDS} c=64 ${t.label}: ${r.rps.toFixed(0)} req/s`);
    }
    for (const t of order) {
      const r = await load(t, 1, latencySeconds, true);
      t.errors += r.errors;
      if (r.p50Ms !== undefined) t.p50.push(r.p50Ms);
      if (r.p99Ms !== undefined) t.p99.push(r.p99Ms);
      progress(
        `round ${round + 1}/${ROUNDS} c=1 ${t.label}: p50 ${r.p50Ms?.toFixed(3)} ms, p99 ${
          r.p99Ms?.toFixed(3)
        } ms`,
      );
    }
  }
  await new Promise((r) => setTimeout(r, 1_000));
  const afterLoad = await rssMiB(sluice.proc.pid);

  progress(`stream TTFB: ${TTFB_SAMPLES} sequential streams each way`);
  let ttfb: Report["ttfb"];
  try {
    ttfb = await measureTtfb(
      { url: `http://${HOST}:${streamPort}${path}`, key: "upstream-key" },
      { url: sluice.url + path, key: KEY },
      "bench-sse",
      TTFB_SAMPLES,
    );
  } catch (error) {
    ttfb = (error as Error).message;
  }

  progress(`memory: ${STREAMS} open streams through Sluice`);
  let streams: Report["memory"]["streams"];
  try {
    streams = await measureStreamsMemory(
      { url: sluice.url + path, key: KEY },
      sluice.proc.pid,
      "bench-slow",
      STREAMS,
      60_000,
      async () => (await (await fetch(`http://${HOST}:${streamPort}/active`)).json()).active,
    );
  } catch (error) {
    streams = (error as Error).message;
  }

  const report: Report = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: commandLine(),
    machine: await machine(tool, nginx, loadAtStart),
    tool: tool === "wrk" ? "wrk -t1 -c64 (throughput), wrk -t1 -c1 --latency (latency)" : tool,
    notes: [
      ...notes,
      `${ROUNDS} rounds alternating targets; ${loadSeconds}s per throughput run, ` +
      `${latencySeconds}s per latency run, ${warmSeconds}s warm-up; medians shown`,
      "CPU µs/req: user + system time of the target's process (all threads) per request at " +
      "c=64, steadier than req/s on a shared machine; nginx rows: the master and its workers, " +
      "and the proxy row net of the direct row's (the same workers serve the upstream)",
      `Sluice: deno task start flags, 1 openai channel to :${UPSTREAM}, gateway key (auth on), ` +
      "request log on with stdout to a file",
      `load average at end: ${Deno.loadavg().map((v) => v.toFixed(2)).join(" ")}; ` +
      `run took ${Math.round((Date.now() - started) / 1000)}s`,
    ],
    targets,
    ttfb,
    memory: { idle, afterLoad, streams },
  };
  console.log(renderText(report));
  console.log("---- markdown ----\n");
  console.log(renderMarkdown(report));
  return 0;
}

function commandLine(): string {
  const knobs = [
    "BENCH_SECONDS",
    "BENCH_ROUNDS",
    "BENCH_STREAMS",
    "BENCH_TTFB_SAMPLES",
    "BENCH_VARIANTS",
    "BENCH_COMPARE",
  ].filter((k) => Deno.env.get(k) !== undefined).map((k) => `${k}=${Deno.env.get(k)}`);
  return [...knobs, "deno task bench"].join(" ");
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping everything this run started`);
    await cleanup.run();
    Deno.exit(130);
  });
}

let code = 1;
try {
  code = await main();
} catch (error) {
  if (!interrupted) {
    progress(
      error instanceof SetupError
        ? `setup failed: ${error.message}`
        : `failed: ${error instanceof Error ? error.stack : error}`,
    );
  }
  code = interrupted ? 130 : 1;
} finally {
  await cleanup.run();
}
Deno.exit(code);
