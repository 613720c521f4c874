/**
 * For the container image: takes the test workspace member out of `deno.json`. Deno caches the
 * lock file's whole npm snapshot, whatever the entrypoints, and `deno.lock` also pins the test
 * SDKs that `test/deno.json` declares; with the member gone, `deno install` prunes those from the
 * lock and fetches only what the entries run, at the locked versions. `test/deploy_e2e_test.ts`
 * checks that pruning only ever removes entries.
 *
 *   deno run --no-config --allow-read=deno.json --allow-write=deno.json deploy/production_config.ts
 */
const path = "deno.json";
const config = JSON.parse(await Deno.readTextFile(path));
delete config.workspace;
await Deno.writeTextFile(path, JSON.stringify(config, null, 2) + "\n");
