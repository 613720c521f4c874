/**
 * Sluice entry: read the config, build the app, serve, and reload on change.
 *
 *   deno task start [--config PATH]      (or SLUICE_CONFIG=PATH; PORT overrides the port)
 */
import { parseArgs } from "node:util";
import { isLoopback } from "./src/auth/middleware.ts";
import { GatewayHolder } from "./src/gateway/holder.ts";
import { loadGateway, type LoadOptions } from "./src/gateway/load.ts";
import { watchForReload } from "./src/gateway/watch.ts";
import { createApp } from "./src/http/app.ts";
import { AccessLog } from "./src/stats/access_log.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: { config: { type: "string", short: "c" } },
});
const explicitConfig = args.config ?? Deno.env.get("SLUICE_CONFIG");
const log = (line: string) => console.error(`[sluice] ${line}`);
const options: LoadOptions = {
  configPath: explicitConfig ?? "config/gateway.yaml",
  allowEmbeddedDefault: explicitConfig === undefined,
  pluginsDir: new URL("./plugins/", import.meta.url),
  env: (name) => Deno.env.get(name),
  warn: (line) => log(`warning: ${line}`),
};

let initial;
try {
  initial = await loadGateway(options);
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  Deno.exit(1);
}
const holder = new GatewayHolder(initial, (previous) => loadGateway(options, previous), log);
const accessLog = new AccessLog();
const app = createApp({
  holder,
  // Read per request so `log.requests` follows reloads.
  recorder: { record: (r) => holder.current.config.log.requests && accessLog.record(r) },
  remoteAddress: (c) => (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>)?.remoteAddr?.hostname,
  log,
});

let hostname = initial.config.server.hostname;
if (initial.keys.open && !isLoopback(hostname)) {
  log(`warning: no gateway keys configured, so binding to 127.0.0.1 instead of ${hostname}`);
  hostname = "127.0.0.1";
} else if (initial.keys.open) {
  log("warning: no gateway keys configured: open to loopback clients only");
}
const port = Number(Deno.env.get("PORT") ?? initial.config.server.port);
Deno.serve({
  hostname,
  port,
  onListen: ({ hostname, port }) =>
    log(`listening on http://${hostname}:${port} with ${initial.channels.length} channels`),
}, app.fetch);

if (initial.source !== "(embedded default config)") {
  watchForReload(
    holder,
    [options.configPath, new URL("./plugins/", import.meta.url).pathname],
    options.warn,
  );
}
addEventListener("unload", () => accessLog.flush());
