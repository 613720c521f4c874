/**
 * Start-up shared by the entries (`main.ts` for `deno run`, `serve.ts` for `deno serve`): load
 * the config and plugins, build the app, watch for reloads, and prepare the shutdown. Exits the
 * process with the reason when the config cannot be used.
 */
import { InFlight } from "../cli/in_flight.ts";
import {
  drainOnSignals,
  type DrainOptions,
  type ShutdownHook,
  ShutdownHooks,
} from "../cli/shutdown.ts";
import { createApp } from "../http/app.ts";
import {
  createLogger,
  DEFAULT_LOG_SETTINGS,
  type Logger,
  type LogSettings,
} from "../log/logger.ts";
import { GatewayMetrics } from "../metrics/gateway_metrics.ts";
import { ActiveRequests } from "../stats/active.ts";
import { AccessLog } from "../stats/access_log.ts";
import { Ledger, ledgerSettings } from "../usage/ledger.ts";
import { configuredQuotas } from "../quota/admission.ts";
import { Quotas, quotaSettings, quotaSnapshots } from "../quota/quotas.ts";
import type { Session } from "../ws/session.ts";
import type { Gateway } from "./build.ts";
import type { PluginSource } from "../plugin/discover.ts";
import { GatewayHolder } from "./holder.ts";
import { configLocation, EMBEDDED_SOURCE, loadGateway, type LoadOptions } from "./load.ts";
import { openStore, storeLocation } from "../store/open.ts";
import { watchForReload } from "./watch.ts";

export interface BootOptions {
  /** The plugins folder and the static registry, from the entry. */
  plugins: PluginSource;
  /** `--config`; when absent `SLUICE_CONFIG`, then `config/gateway.yaml`. */
  config?: string;
}

export interface Booted {
  app: ReturnType<typeof createApp>;
  /** `app.fetch`, counted, so a shutdown knows what is in flight. Serve this. */
  fetch: Deno.ServeHandler;
  holder: GatewayHolder;
  initial: Gateway;
  /** Diagnostics on stderr, in the running config's `log.format` and `log.level`. */
  log: Logger;
  /** Registers work to finish before the process exits, such as a final flush to storage. */
  onShutdown(hook: ShutdownHook): void;
  /** Drains on SIGTERM/SIGINT within `server.shutdown_grace`, runs the hooks, then exits. */
  drainOnSignals(options: Pick<DrainOptions, "stopAccepting" | "exitWhenDrained">): void;
}

export async function boot(options: BootOptions): Promise<Booted> {
  const env = (name: string) => Deno.env.get(name);
  // The defaults until a config is loaded; from then on `log:` follows reloads.
  let logSettings = (): LogSettings => DEFAULT_LOG_SETTINGS;
  const log = createLogger({ settings: () => logSettings() });
  const location = configLocation(options.config, env);
  // Start-up warnings wait for the config, so they come out in its `log.format`.
  let early: string[] | undefined = [];
  const loadOptions: LoadOptions = {
    ...location,
    plugins: options.plugins,
    env,
    warn: (line) => early ? early.push(line) : log.warn(line),
  };

  let initial: Gateway;
  try {
    initial = await loadGateway(loadOptions);
  } catch (error) {
    for (const line of early) log.warn(line);
    log.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
  // Only start-up may fall back to the embedded config: a reload needs the file.
  const reloadOptions = { ...loadOptions, allowEmbeddedDefault: false };
  const holder = new GatewayHolder(
    initial,
    (previous) => loadGateway(reloadOptions, previous),
    log,
  );
  logSettings = () => holder.current.config.log;
  for (const line of early) log.warn(line);
  early = undefined;
  log.info(
    `loaded ${initial.source}: ${count(initial.channels.length, "channel")}, ${
      count(initial.keys.size, "key")
    }`,
  );

  const store = storeLocation(env);
  let kv: Deno.Kv;
  try {
    kv = await openStore(store);
  } catch (error) {
    log.error(
      `Cannot open the store ${store.describe}: ${error instanceof Error ? error.message : error}`,
    );
    Deno.exit(1);
  }
  log.info(`store: ${store.describe}`);

  const accessLog = new AccessLog({ format: () => holder.current.config.log.format });
  addEventListener("unload", () => accessLog.flush());
  const ledger = new Ledger({ kv, settings: () => ledgerSettings(holder.current.config), log });
  const quotas = new Quotas({ kv, settings: () => quotaSettings(holder.current.config), log });
  const sessions = new Set<Session>();
  const active = new ActiveRequests();
  const metrics = new GatewayMetrics({
    gateway: () => holder.current,
    activeRequests: () => active.count,
    websocketSessions: () => sessions.size,
    quotas: () => quotaSnapshots(quotas, configuredQuotas(holder.current.config)),
    startedAt: Date.now(),
  });
  const app = createApp({
    holder,
    kv,
    recorder: {
      record(r) {
        metrics.record(r);
        if (holder.current.config.usage.enabled) ledger.record(r);
        // Read per request so `log.requests` follows reloads.
        if (holder.current.config.log.requests) accessLog.record(r);
      },
    },
    metrics,
    active,
    quotas,
    webSocketSessions: sessions,
    remoteAddress: (c) => (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>)?.remoteAddr?.hostname,
    log,
  });
  // Settled quota usage reaches KV with the ledger's rhythm, and leases stay renewed.
  const quotaFlush = setInterval(
    () => void quotas.flush(),
    holder.current.config.usage.flush_interval,
  );
  const hooks = new ShutdownHooks();
  // After the drain: what the last requests used reaches KV before the process exits; open
  // WebSocket sessions are told the gateway is going away (1001) rather than cut.
  hooks.add(() => {
    for (const session of sessions) session.close(1001, "Gateway shutting down");
  });
  hooks.add(async () => {
    clearInterval(quotaFlush);
    await Promise.all([ledger.flush(), quotas.flush()]);
  });
  if (initial.source !== EMBEDDED_SOURCE) {
    const stopWatching = watchForReload(
      holder,
      { config: location.configPath, plugins: options.plugins.dir.pathname },
      (line) => log.warn(line),
    );
    // Watchers keep the event loop alive, which would hold `deno serve` past a drain.
    hooks.add(stopWatching);
  }
  const inFlight = new InFlight();
  return {
    app,
    fetch: inFlight.wrap((request, info) => app.fetch(request, info)),
    holder,
    initial,
    log,
    onShutdown: (hook) => hooks.add(hook),
    drainOnSignals: (drain) =>
      void drainOnSignals({
        ...drain,
        graceMs: () => holder.current.config.server.shutdown_grace,
        inFlight,
        hooks,
        flush: () => accessLog.flush(),
        log,
      }),
  };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
