/**
 * Start-up shared by the entries (`main.ts` for `deno run`, `serve.ts` for `deno serve`): read
 * the arguments and environment, load the config and plugins, build the app, watch for reloads.
 * Exits the process with the reason when the config cannot be used.
 */
import { parseArgs } from "node:util";
import { createApp } from "../http/app.ts";
import { AccessLog } from "../stats/access_log.ts";
import type { Gateway } from "./build.ts";
import { GatewayHolder } from "./holder.ts";
import { loadGateway, type LoadOptions } from "./load.ts";
import { watchForReload } from "./watch.ts";

export interface Booted {
  app: ReturnType<typeof createApp>;
  holder: GatewayHolder;
  initial: Gateway;
  log: (line: string) => void;
}

export async function boot(pluginsDir: URL): Promise<Booted> {
  const { values: args } = parseArgs({
    args: Deno.args,
    options: { config: { type: "string", short: "c" } },
  });
  const explicitConfig = args.config ?? Deno.env.get("SLUICE_CONFIG");
  const log = (line: string) => console.error(`[sluice] ${line}`);
  const options: LoadOptions = {
    configPath: explicitConfig ?? "config/gateway.yaml",
    allowEmbeddedDefault: explicitConfig === undefined,
    pluginsDir,
    env: (name) => Deno.env.get(name),
    warn: (line) => log(`warning: ${line}`),
  };

  let initial: Gateway;
  try {
    initial = await loadGateway(options);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
  const holder = new GatewayHolder(initial, (previous) => loadGateway(options, previous), {
    info: log,
    warn: log,
  });
  const accessLog = new AccessLog();
  addEventListener("unload", () => accessLog.flush());
  const app = createApp({
    holder,
    // Read per request so `log.requests` follows reloads.
    recorder: { record: (r) => holder.current.config.log.requests && accessLog.record(r) },
    remoteAddress: (c) => (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>)?.remoteAddr?.hostname,
    log,
  });
  if (initial.source !== "(embedded default config)") {
    watchForReload(
      holder,
      { config: options.configPath, plugins: pluginsDir.pathname },
      options.warn,
    );
  }
  return { app, holder, initial, log };
}
