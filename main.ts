/**
 * Sluice entry for `deno run`: load the config, build the app, serve on the configured address.
 *
 *   deno task start [--config PATH]      (or SLUICE_CONFIG=PATH; PORT overrides the port)
 *
 * `serve.ts` is the same gateway for `deno serve --parallel` (one process per core).
 */
import { isLoopback } from "./src/auth/middleware.ts";
import { boot } from "./src/gateway/boot.ts";

const { app, initial, log } = await boot(new URL("./plugins/", import.meta.url));

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
