/**
 * Sluice entry for `deno serve`, Deno's own multi-process server: with `--parallel` it runs one
 * gateway per core behind one port (each loads the config and plugins itself and reloads on its
 * own). Address and port come from `deno serve`'s flags; the config file from `--config` after
 * the script name or `SLUICE_CONFIG`:
 *
 *   deno task start:parallel        (127.0.0.1:8787; run `deno serve` yourself for others)
 *
 * Without gateway keys every process still serves loopback clients only. SIGTERM and SIGINT
 * stop it gracefully: Deno 2.9.6 closes every worker's listener and lets requests in flight
 * finish; each worker here stops watching files, flushes its logs and, if requests outlive
 * `server.shutdown_grace`, ends the process at the grace.
 */
import { parseArgs } from "./src/cli/args.ts";
import { usageError } from "./src/cli/command.ts";
import { boot } from "./src/gateway/boot.ts";

const parsed = parseArgs(Deno.args, ["config"]);
if (!parsed.ok) usageError(parsed.error);
const { fetch, drainOnSignals } = await boot({
  plugins: {
    dir: new URL("./plugins/", import.meta.url),
    registry: async () => (await import("./plugins/mod.ts")).plugins,
  },
  config: parsed.options.config,
});
drainOnSignals({ exitWhenDrained: false });

export default { fetch } satisfies Deno.ServeDefaultExport;
