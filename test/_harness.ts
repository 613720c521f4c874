/**
 * End-to-end harness: real local HTTP servers as upstreams, and a real gateway on an ephemeral
 * port built from a YAML string, exactly as `main.ts` builds it (minus file watching).
 */
import { parseConfig } from "../src/config/load.ts";
import { buildGateway, type Gateway } from "../src/gateway/build.ts";
import { GatewayHolder } from "../src/gateway/holder.ts";
import { createApp } from "../src/http/app.ts";
import type { MetricsPage } from "../src/http/metrics_routes.ts";
import { createLogger } from "../src/log/logger.ts";
import { DeadlineWheel } from "../src/proxy/deadlines.ts";
import { Quotas, quotaSettings } from "../src/quota/quotas.ts";
import { Ledger, ledgerSettings } from "../src/usage/ledger.ts";
import { discoverPlugins, type PluginSet } from "../src/plugin/discover.ts";
import type { AnyPlugin } from "../src/plugin/validate.ts";
import type { Recorder, RequestRecord } from "../src/stats/record.ts";

export interface Server {
  url: string;
  close(): Promise<void>;
}

export interface Upstream extends Server {
  /** Every request received, with its body read as text. */
  received: { method: string; path: string; headers: Headers; body: string }[];
}

/** Starts a local upstream on an ephemeral port. */
export function startUpstream(
  handler: (request: Request, body: string) => Response | Promise<Response>,
): Upstream {
  const received: Upstream["received"] = [];
  const controller = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    onListen() {},
  }, async (request) => {
    let body = "";
    if (request.method !== "GET" && request.method !== "HEAD") {
      try {
        body = await request.text();
      } catch {
        // The client (the gateway under test) cut the upload: nothing to answer.
        return new Response(null, { status: 400 });
      }
    }
    const url = new URL(request.url);
    received.push({
      method: request.method,
      path: url.pathname + url.search,
      headers: request.headers,
      body,
    });
    return await handler(request, body);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    received,
    close: async () => {
      controller.abort();
      await server.finished;
    },
  };
}

let pluginCache: Promise<PluginSet> | undefined;

/** The shipped plugins, loaded once per test process. */
export function shippedPlugins(): Promise<PluginSet> {
  pluginCache ??= discoverPlugins(new URL("../plugins/", import.meta.url));
  return pluginCache;
}

export interface TestGateway extends Server {
  holder: GatewayHolder;
  records: RequestRecord[];
  /** The gateway's store (a fresh `:memory:` KV unless one was given). */
  kv: Deno.Kv;
  /** The usage ledger every record goes to, flushed on demand (`ledger.flush()`). */
  ledger: Ledger;
  /** The gateway's quotas (flushed on demand). */
  quotas: Quotas;
  /** Resolves once `n` requests have been recorded (streams record when they end). */
  recorded(n: number, timeoutMs?: number): Promise<RequestRecord[]>;
}

export interface GatewayOptions {
  env?: Record<string, string>;
  warnings?: string[];
  /** Replaces the YAML a reload reads; defaults to the same YAML. */
  reloadYaml?: () => string;
  /** Receives the gateway's diagnostic lines (failed attempts, bugs...); silent by default. */
  log?: (line: string) => void;
  /** The store; a fresh `:memory:` KV, closed with the gateway, by default. */
  kv?: Deno.Kv;
  /** Extra plugins (e.g. deliberately broken ones) beside the shipped ones. */
  plugins?: Record<string, AnyPlugin>;
  /** Metrics fed every record and served at `/metrics`, built from the holder. */
  metrics?: (holder: GatewayHolder) => Recorder & MetricsPage;
}

/** Builds a gateway from `yaml` and serves it on an ephemeral loopback port. */
export async function startGateway(
  yaml: string,
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const env = (name: string) => options.env?.[name];
  const warn = (line: string) => options.warnings?.push(line);
  const plugins: PluginSet = new Map([
    ...await shippedPlugins(),
    ...Object.entries(options.plugins ?? {}),
  ]);
  const build = (text: string, previous?: Gateway) =>
    buildGateway(parseConfig(text, "test.yaml", env), plugins, {
      warn,
      catalog: previous?.catalog,
      health: previous?.health,
    });
  const holder = new GatewayHolder(
    build(yaml),
    (previous) => Promise.resolve(build(options.reloadYaml?.() ?? yaml, previous)),
  );
  const records: RequestRecord[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const metrics = options.metrics?.(holder);
  const kv = options.kv ?? await Deno.openKv(":memory:");
  const ledger = new Ledger({
    kv,
    // Flushed by the tests that read it; never on a timer that could outlive a test.
    settings: () => ({ ...ledgerSettings(holder.current.config), flushMs: 3_600_000 }),
  });
  const quotas = new Quotas({ kv, settings: () => quotaSettings(holder.current.config) });
  const recorder: Recorder = {
    record(r) {
      metrics?.record(r);
      ledger.record(r);
      records.push(r);
      for (const w of waiters) if (records.length >= w.n) w.resolve();
    },
  };
  const deadlines = new DeadlineWheel();
  const app = createApp({
    holder,
    kv,
    deadlines,
    quotas,
    recorder,
    metrics,
    remoteAddress: (c) => (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>)?.remoteAddr?.hostname,
    log: createLogger({
      settings: () => ({ format: "text", level: "debug" }),
      write: (line) => options.log?.(line.trimEnd()),
    }),
  });
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} },
    app.fetch,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    holder,
    records,
    kv,
    ledger,
    quotas,
    recorded(n, timeoutMs = 5_000) {
      if (records.length >= n) return Promise.resolve(records);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`Only ${records.length} of ${n} records after ${timeoutMs}ms`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(records);
          },
        });
      });
    },
    close: async () => {
      controller.abort();
      await server.finished;
      deadlines.stop();
      ledger.stop();
      if (!options.kv) kv.close();
    },
  };
}

/** An OpenAI chat completion body, as upstream fixtures return it. */
export function chatCompletion(content: string, model = "test-model", usage = { p: 5, c: 3 }) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{
      index: 0,
      message: { role: "assistant", content, refusal: null },
      finish_reason: "stop",
      logprobs: null,
    }],
    usage: { prompt_tokens: usage.p, completion_tokens: usage.c, total_tokens: usage.p + usage.c },
  };
}

/** An SSE response from a list of data payloads (objects are JSON-encoded). */
export function sseResponse(events: (unknown | string)[], init: ResponseInit = {}): Response {
  const text = events.map((e) => `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`)
    .join("");
  return new Response(text, {
    ...init,
    headers: { "content-type": "text/event-stream", ...init.headers },
  });
}
