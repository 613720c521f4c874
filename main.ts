/**
 * Sluice entry for `deno run`: read the command line, load the config, build the app, serve.
 *
 *   deno task start [--config PATH] [--port N]     (see --help; PORT and SLUICE_CONFIG too)
 *
 * `serve.ts` is the same gateway for `deno serve --parallel` (one process per core).
 */
import denoJson from "./deno.json" with { type: "json" };
import { isLoopback } from "./src/auth/middleware.ts";
import { commandLine } from "./src/cli/command.ts";
import { serveResilient } from "./src/cli/resilient_server.ts";
import { boot } from "./src/gateway/boot.ts";

// The plugins folder, and the static registry for platforms where it cannot be listed.
const plugins = {
  dir: new URL("./plugins/", import.meta.url),
  registry: async () => (await import("./plugins/mod.ts")).plugins,
};
const options = await commandLine(Deno.args, { version: denoJson.version, plugins });
const { fetch, initial, log, drainOnSignals } = await boot({ plugins, config: options.config });

let hostname = initial.config.server.hostname;
if (initial.keys.open && !isLoopback(hostname)) {
  log.warn(`no gateway keys configured, so binding to 127.0.0.1 instead of ${hostname}`);
  hostname = "127.0.0.1";
} else if (initial.keys.open) {
  log.warn("no gateway keys configured: open to loopback clients only");
}
// --port, then PORT (checked by commandLine), then the config.
const port = options.port ?? Number(Deno.env.get("PORT") || initial.config.server.port);
const server = (() => {
  try {
    return serveResilient({
      hostname,
      port,
      handler: fetch,
      log,
      onListen: (addr) => log.info(`listening on http://${addr.hostname}:${addr.port}`),
    });
  } catch (error) {
    log.error(
      `Cannot listen on ${hostname}:${port}: ${error instanceof Error ? error.message : error}`,
    );
    Deno.exit(1);
  }
})();
drainOnSignals({ stopAccepting: () => server.shutdown(), exitWhenDrained: true });
