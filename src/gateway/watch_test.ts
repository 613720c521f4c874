import assert from "node:assert/strict";
import { watchForReload } from "./watch.ts";

const DEBOUNCE_MS = 50;

/** A temp dir with `gateway.yaml`, watched, and the reloads it triggered. */
async function watched() {
  const dir = await Deno.makeTempDir();
  const config = `${dir}/gateway.yaml`;
  await Deno.writeTextFile(config, "channels: []\n");
  const reasons: string[] = [];
  const warnings: string[] = [];
  const stop = watchForReload(
    { reload: (reason) => (reasons.push(reason), Promise.resolve({ ok: true, message: "" })) },
    { config },
    (line) => warnings.push(line),
    DEBOUNCE_MS,
  );
  return {
    dir,
    config,
    reasons,
    warnings,
    /** Waits until `n` reloads happened, then a little longer to catch extra ones. */
    async reloads(n: number): Promise<number> {
      const end = Date.now() + 5_000;
      while (reasons.length < n && Date.now() < end) await sleep(20);
      await sleep(DEBOUNCE_MS * 4);
      return reasons.length;
    },
    async close() {
      stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What `sed -i` and most editors do: write a new file, rename it over the old one. */
async function renameSave(path: string, text: string) {
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
}

Deno.test("watchForReload() reloads on each of two rename-saves in a row", async () => {
  const w = await watched();
  try {
    await renameSave(w.config, "channels: [] # 1\n");
    assert.equal(await w.reloads(1), 1);
    await renameSave(w.config, "channels: [] # 2\n");
    assert.equal(await w.reloads(2), 2);
    assert.deepEqual(w.reasons, ["file changed", "file changed"]);
    assert.deepEqual(w.warnings, []);
  } finally {
    await w.close();
  }
});

Deno.test("watchForReload() reloads once for a burst of writes", async () => {
  const w = await watched();
  try {
    for (let i = 0; i < 5; i++) await Deno.writeTextFile(w.config, `channels: [] # ${i}\n`);
    assert.equal(await w.reloads(1), 1);
  } finally {
    await w.close();
  }
});

Deno.test("watchForReload() ignores other files in the config's directory", async () => {
  const w = await watched();
  try {
    await Deno.writeTextFile(`${w.dir}/notes.txt`, "hello");
    await renameSave(`${w.dir}/other.yaml`, "x: 1\n");
    assert.equal(await w.reloads(0), 0);
  } finally {
    await w.close();
  }
});

Deno.test("watchForReload() follows a ConfigMap-style ..data symlink swap", async () => {
  const w = await watched();
  try {
    // The kubelet's layout: gateway.yaml -> ..data/gateway.yaml, ..data -> ..<timestamp>/.
    await Deno.remove(w.config);
    await Deno.mkdir(`${w.dir}/..v1`);
    await Deno.writeTextFile(`${w.dir}/..v1/gateway.yaml`, "channels: [] # v1\n");
    await Deno.symlink("..v1", `${w.dir}/..data`);
    await Deno.symlink("..data/gateway.yaml", w.config);
    await w.reloads(1);
    const before = w.reasons.length;
    await Deno.mkdir(`${w.dir}/..v2`);
    await Deno.writeTextFile(`${w.dir}/..v2/gateway.yaml`, "channels: [] # v2\n");
    await Deno.symlink("..v2", `${w.dir}/..data_tmp`);
    await Deno.rename(`${w.dir}/..data_tmp`, `${w.dir}/..data`);
    assert.equal(await w.reloads(before + 1), before + 1);
  } finally {
    await w.close();
  }
});
