import assert from "node:assert/strict";
import { bumpVersion, readVersion } from "../store/admin_state.ts";
import { followStore } from "./follow.ts";

/** Resolves when `check` holds, polling every 10 ms; fails after `ms`. */
async function until(check: () => boolean, ms = 3_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail("Timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("followStore() rebuilds when another handle on the same KV file bumps the version", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/kv.sqlite`;
  const mine = await Deno.openKv(path);
  const theirs = await Deno.openKv(path);
  let applied: string | null = null;
  let rebuilds = 0;
  const stop = followStore(mine, {
    applied: () => applied,
    onChange: async () => {
      rebuilds++;
      applied = await readVersion(mine);
    },
    warn: (line) => assert.fail(line),
    pollMs: 50,
  });
  try {
    await bumpVersion(theirs.atomic()).commit();
    await until(() => rebuilds === 1);
    await bumpVersion(theirs.atomic()).commit();
    await until(() => rebuilds === 2);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(rebuilds, 2, "nothing more without a change");
  } finally {
    stop();
    mine.close();
    theirs.close();
    await Deno.remove(dir, { recursive: true });
  }
});
