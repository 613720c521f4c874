/**
 * Sluice entry for Deno Deploy, and for any host that runs one file with no flags and no disk to
 * write to. The plugins are the static registry, imported here, so they are in the module graph
 * Deploy uploads and nothing is imported by a computed name; the config is the YAML in
 * `SLUICE_CONFIG_YAML` (or a file shipped with the code: `SLUICE_CONFIG`, `config/gateway.yaml`);
 * the KV is the Deploy database assigned to the app (`SLUICE_KV` names another); nothing is
 * written to the file system and nothing is watched (a Deploy revision never changes).
 *
 *   deno deploy --prod          (README, "Deno Deploy")
 *   deno run -A deploy.ts       (a trial run: PORT and server.hostname choose the address)
 *
 * It serves only with gateway keys: behind a platform's proxy the loopback rule of open mode
 * cannot tell the operator from the internet.
 */
import { plugins } from "./plugins/mod.ts";
import { boot } from "./src/gateway/boot.ts";

const { fetch, initial, log, drainOnSignals } = await boot({
  plugins: { registry: () => Promise.resolve(plugins) },
});
if (initial.keys.open) {
  log.error(
    "No gateway keys configured: deploy.ts does not serve open. Add `keys:` to the config " +
      '(SLUICE_CONFIG_YAML), for example keys: [{ name: me, key: "${MY_GATEWAY_KEY}" }].',
  );
  Deno.exit(1);
}

// Deploy routes its traffic to the server wherever it listens (Deno.serve's defaults); a trial
// run listens where main.ts would.
const onDeploy = Deno.env.get("DENO_DEPLOYMENT_ID") !== undefined;
const port = Number(Deno.env.get("PORT") || (onDeploy ? 8000 : initial.config.server.port));
const server = Deno.serve({
  port,
  ...(onDeploy ? {} : { hostname: initial.config.server.hostname }),
  handler: fetch,
  onListen: (addr) => log.info(`listening on http://${addr.hostname}:${addr.port}`),
});
// Deploy sends SIGINT and kills the instance 5 s later: drain for 4 s at most, so the last
// requests' usage and quota settlements still reach KV.
drainOnSignals({
  stopAccepting: () => server.shutdown(),
  exitWhenDrained: true,
  maxGraceMs: 4_000,
});
