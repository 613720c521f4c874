/**
 * WebSocket soak: the real gateway (`main.ts`, its own process, so its memory is its own) between
 * a local echo upstream and a few hundred concurrent client sessions that exchange text and binary
 * messages for a few seconds. Every echo is checked (content and order); the gateway's RSS is read
 * from /proc before, at peak and after each wave. Bounded: each wave lasts `--seconds` plus at
 * most 10 s for the last echoes, and everything opened is closed.
 *
 * Several `--waves` run one after the other: memory that keeps growing from wave to wave would be
 * a leak; memory the allocator keeps after the first wave is not.
 *
 *   deno run -A bench/ws_soak.ts [--sessions 300] [--seconds 5] [--interval 50] [--waves 3]
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sessions: { type: "string", default: "300" },
    seconds: { type: "string", default: "5" },
    /** Milliseconds between one session's messages. */
    interval: { type: "string", default: "50" },
    waves: { type: "string", default: "3" },
  },
});
const SESSIONS = Number(values.sessions);
const SECONDS = Number(values.seconds);
const INTERVAL = Number(values.interval);
const WAVES = Number(values.waves);
const KEY = "sk-soak-gateway-key-0001";
const ROOT = new URL("../", import.meta.url);

function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 102.4) / 10;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The upstream: echoes every message, in this (the bench's) process. */
const upstreamAbort = new AbortController();
const upstream = Deno.serve(
  { hostname: "127.0.0.1", port: 0, signal: upstreamAbort.signal, onListen() {} },
  (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: 0 });
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  },
);

const dir = await Deno.makeTempDir({ prefix: "sluice-ws-soak-" });
const config = `${dir}/gateway.yaml`;
await Deno.writeTextFile(
  config,
  `
log: { requests: false, level: warn }
websocket: { max_sessions: ${SESSIONS * 2} }
channels:
  - { name: rt, plugin: openai, base_url: "http://127.0.0.1:${upstream.addr.port}/v1", keys: [sk-upstream], models: [gpt-realtime] }
keys: [{ name: soak, key: ${KEY} }]
`,
);
const port = freePort();
const gateway = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--unstable-no-legacy-abort",
    "-A",
    "main.ts",
    "--config",
    config,
    "--port",
    `${port}`,
  ],
  cwd: new URL(ROOT),
  env: { SLUICE_KV: ":memory:" },
  stdin: "null",
  stdout: "null",
  stderr: "null",
}).spawn();

const results = { opened: 0, sent: 0, echoed: 0, outOfOrder: 0, refused: 0, unclean: 0 };
try {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }).catch(() => false);
    if (ok) break;
    await sleep(100);
  }
  await sleep(500);
  const before = rssMiB(gateway.pid);

  const url = `ws://127.0.0.1:${port}/v1/realtime?model=gpt-realtime`;
  const started = performance.now();
  let peak = before;
  const afterWave: number[] = [];
  const sampler = setInterval(() => peak = Math.max(peak, rssMiB(gateway.pid)), 100);
  for (let wave = 0; wave < WAVES; wave++) {
    await Promise.all(Array.from({ length: SESSIONS }, (_, i) => session(url, i)));
    await sleep(1_000); // sessions recorded, sockets released
    afterWave.push(rssMiB(gateway.pid));
  }
  clearInterval(sampler);
  const elapsed = (performance.now() - started) / 1000;
  console.log(JSON.stringify(
    {
      sessions: SESSIONS,
      waves: WAVES,
      seconds: Math.round(elapsed * 10) / 10,
      ...results,
      rssMiB: { before, peak, afterWave },
    },
    null,
    2,
  ));
  if (results.echoed !== results.sent || results.outOfOrder > 0 || results.refused > 0) {
    Deno.exitCode = 1;
  }
} finally {
  gateway.kill("SIGTERM");
  await gateway.status;
  upstreamAbort.abort();
  await upstream.finished;
  await Deno.remove(dir, { recursive: true });
}

/** One client: sends alternately a 1 KiB text and a 4 KiB binary message, checks each echo. */
function session(url: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${KEY}` } });
    socket.binaryType = "arraybuffer";
    const expected: (string | number)[] = [];
    let seq = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    socket.onopen = () => {
      results.opened++;
      timer = setInterval(() => {
        const id = seq++;
        if (id % 2 === 0) {
          const text = `${n}:${id}:` + "x".repeat(1024);
          expected.push(text);
          socket.send(text);
        } else {
          const bytes = new Uint8Array(4096).fill(id % 256);
          expected.push(id % 256);
          socket.send(bytes);
        }
        results.sent++;
      }, INTERVAL);
      setTimeout(async () => {
        clearInterval(timer);
        // Close once every echo is back (bounded), so none is lost to our own close.
        for (let waited = 0; expected.length > 0 && waited < 10_000; waited += 50) await sleep(50);
        socket.close(1000, "soak done");
      }, SECONDS * 1000);
    };
    socket.onmessage = (event) => {
      const want = expected.shift();
      const got = typeof event.data === "string" ? event.data : new Uint8Array(event.data)[0];
      if (got !== want) results.outOfOrder++;
      results.echoed++;
    };
    socket.onerror = () => results.refused += socket.readyState === WebSocket.CONNECTING ? 1 : 0;
    socket.onclose = (event) => {
      clearInterval(timer);
      if (event.code !== 1000) results.unclean++;
      resolve();
    };
  });
}
