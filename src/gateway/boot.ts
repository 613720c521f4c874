/**
 * Start-up shared by the entries (`main.ts` for `deno run`, `serve.ts` for `deno serve`,
 * `deploy.ts` for Deno Deploy) and the library (`mod.ts`): load the config and plugins, build the
 * app, watch for reloads, and prepare the shutdown. Exits the process with the reason when the
 * config cannot be used, unless the caller (the library) says to throw instead.
 */
import type { Context } from "hono";
import { createAdmin } from "../admin/admin.ts";
import { checkSecret } from "../admin/secret_check.ts";
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
import { DeadlineWheel } from "../proxy/deadlines.ts";
import { ActiveRequests } from "../stats/active.ts";
import { AccessLog } from "../stats/access_log.ts";
import { Ledger, ledgerSettings } from "../usage/ledger.ts";
import { configuredQuotas } from "../quota/admission.ts";
import { Quotas, quotaSettings, quotaSnapshots } from "../quota/quotas.ts";
import type { Session } from "../ws/session.ts";
import type { Gateway } from "./build.ts";
import { GatewayHolder } from "./holder.ts";
import {
  configLocation,
  EMBEDDED_SOURCE,
  loadGateway,
  type LoadOptions,
  type PluginOrigin,
} from "./load.ts";
import { openStore, storeLocation } from "../store/open.ts";
import { watchForReload } from "./watch.ts";

export interface BootOptions {
  /** The plugins folder and the static registry, from the entry; the registry alone (no `dir`)
   * where nothing may be imported by a computed name (Deno Deploy, an embedding app). */
  plugins: PluginOrigin;
  /** `--config`; when absent `SLUICE_CONFIG_YAML`, `SLUICE_CONFIG`, then `config/gateway.yaml`. */
  config?: string;
  /** The YAML itself, instead of any file or variable (the library); never watched. */
  configText?: string;
  /** Where `${VAR}`, `SLUICE_*` and `PORT` are read. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** An open KV to use instead of the one `SLUICE_KV` names; the caller closes it. */
  kv?: Deno.Kv;
  /** What a start-up failure does. @default log the reason and exit with status 1 */
  fatal?: (error: unknown) => never;
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
  /** Drains on SIGTERM/SIGINT within `server.shutdown_grace` (capped by `maxGraceMs`, for
   * platforms that kill soon after the signal), runs the hooks, then exits. */
  drainOnSignals(
    options: Pick<DrainOptions, "stopAccepting" | "exitWhenDrained"> & { maxGraceMs?: number },
  ): void;
  /** Without a signal: stops the watchers and timers and flushes usage, quotas and the access
   * log to their stores; closes the KV if boot opened it. For embedders and tests. */
  close(): Promise<void>;
}

export async function boot(options: BootOptions): Promise<Booted> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  // The defaults until a config is loaded; from then on `log:` follows reloads.
  let logSettings = (): LogSettings => DEFAULT_LOG_SETTINGS;
  const log = createLogger({ settings: () => logSettings() });
  const fatal = options.fatal ?? ((error: unknown): never => {
    log.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  });
  // Start-up warnings wait for the config, so they come out in its `log.format`.
  let early: string[] | undefined = [];
  let location: ReturnType<typeof configLocation>;
  let loadOptions: LoadOptions;
  let initial: Gateway;
  try {
    location = options.configText === undefined ? configLocation(options.config, env) : {
      configPath: "(config text)",
      configText: options.configText,
      allowEmbeddedDefault: false,
    };
    loadOptions = {
      ...location,
      plugins: options.plugins,
      env,
      warn: (line) => early ? early.push(line) : log.warn(line),
    };
    initial = await loadGateway(loadOptions);
  } catch (error) {
    for (const line of early) log.warn(line);
    return fatal(error);
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

  let kv: Deno.Kv;
  if (options.kv) {
    kv = options.kv;
  } else {
    const store = storeLocation(env);
    try {
      kv = await openStore(store);
    } catch (error) {
      return fatal(
        new Error(
          `Cannot open the store ${store.describe}: ${
            error instanceof Error ? error.message : error
          }`,
          { cause: error },
        ),
      );
    }
    log.info(`store: ${store.describe}`);
  }
  // Upstream keys stored in KV and a `secret` that does not open them stop the start here, with
  // the reason; values only `secret_previous` opens are sealed again with `secret`.
  try {
    for (const note of (await checkSecret(kv, initial.config)).notes) log.info(note);
  } catch (error) {
    return fatal(error);
  }

  const accessLog = new AccessLog({ format: () => holder.current.config.log.format });
  const flushAccessLog = () => accessLog.flush();
  addEventListener("unload", flushAccessLog);
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
  // Passed in so a shutdown can stop its interval rather than wait for it to idle out.
  const deadlines = new DeadlineWheel();
  const remoteAddress = (c: Context) =>
    (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>)?.remoteAddr?.hostname;
  // Channels and keys added through the admin API join the snapshot before the first request.
  const admin = createAdmin({ holder, kv, quotas, log, remoteAddress });
  const stored = await admin.ready;
  if (!stored.ok) return fatal(new Error(stored.message));
  const app = createApp({
    admin,
    holder,
    kv,
    deadlines,
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
    remoteAddress,
    log,
  });
  // Settled quota usage reaches KV with the ledger's rhythm (read again for every flush, so a
  // reload's `usage.flush_interval` applies), and leases stay renewed.
  let quotaFlush: ReturnType<typeof setTimeout> | undefined;
  const scheduleQuotaFlush = () => {
    quotaFlush = setTimeout(() => {
      void quotas.flush().catch((e) => log.warn(`Quota flush failed: ${e}`)).finally(() => {
        if (quotaFlush !== undefined) scheduleQuotaFlush();
      });
    }, holder.current.config.usage.flush_interval);
  };
  scheduleQuotaFlush();
  const hooks = new ShutdownHooks();
  // Other instances' admin changes reach this one (watched, and polled: see `admin/follow.ts`).
  hooks.add(admin.follow());
  // After the drain: what the last requests used reaches KV before the process exits; open
  // WebSocket sessions are told the gateway is going away (1001) rather than cut.
  hooks.add(() => {
    for (const session of sessions) session.close(1001, "Gateway shutting down");
  });
  hooks.add(async () => {
    clearTimeout(quotaFlush);
    quotaFlush = undefined;
    deadlines.stop();
    await Promise.all([ledger.flush(), quotas.flush()]);
  });
  // Only a file can change under us; YAML from a variable or a caller stays what it was.
  if (initial.source !== EMBEDDED_SOURCE && location.configText === undefined) {
    const stopWatching = watchForReload(
      holder,
      { config: location.configPath, plugins: options.plugins.dir?.pathname },
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
    // With what KV holds: main.ts decides on loopback-only binding from it.
    initial: holder.current,
    log,
    onShutdown: (hook) => hooks.add(hook),
    drainOnSignals: (drain) =>
      void drainOnSignals({
        ...drain,
        graceMs: () =>
          Math.min(holder.current.config.server.shutdown_grace, drain.maxGraceMs ?? Infinity),
        inFlight,
        hooks,
        flush: () => accessLog.flush(),
        log,
      }),
    close: async () => {
      await hooks.run(holder.current.config.server.shutdown_grace, log);
      accessLog.flush();
      removeEventListener("unload", flushAccessLog);
      if (!options.kv) kv.close();
    },
  };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
