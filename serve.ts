/**
 * Sluice entry for `deno serve`, Deno's own multi-process server: with `--parallel` it runs one
 * gateway per core behind one port (each loads the config and plugins itself and reloads on its
 * own). Address and port come from `deno serve`'s flags, not from the config:
 *
 *   deno task start:parallel        (127.0.0.1:8787; run `deno serve` yourself for others)
 *
 * Without gateway keys every process still serves loopback clients only. Stop it with Ctrl-C:
 * here, Deno 2.9's `deno serve --parallel` did not stop on SIGTERM, so a supervisor that stops
 * services with SIGTERM needs a stop signal it honours (or `deno task start`, one process).
 */
import { boot } from "./src/gateway/boot.ts";

const { app } = await boot(new URL("./plugins/", import.meta.url));

export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
