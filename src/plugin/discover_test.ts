import assert from "node:assert/strict";
import { plugins as registry } from "../../plugins/mod.ts";
import { discoverPlugins, isPluginFile } from "./discover.ts";
import { validatePlugin } from "./validate.ts";

const PLUGINS_DIR = new URL("../../plugins/", import.meta.url);

async function pluginFileNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(PLUGINS_DIR)) {
    if (entry.isFile && isPluginFile(entry.name)) names.push(entry.name.slice(0, -3));
  }
  return names.sort();
}

Deno.test("isPluginFile() skips private files, the registry, tests and declarations", () => {
  assert.equal(isPluginFile("openai.ts"), true);
  for (const name of ["_compat.ts", "mod.ts", "openai_test.ts", "types.d.ts", "README.md"]) {
    assert.equal(isPluginFile(name), false, name);
  }
});

Deno.test("plugins/mod.ts registers every plugin file, and nothing else", async () => {
  const files = await pluginFileNames();
  const registered = Object.keys(registry).sort();
  const missing = files.filter((f) => !registered.includes(f));
  const extra = registered.filter((r) => !files.includes(r));
  assert.deepEqual(missing, [], `add to plugins/mod.ts: ${missing.join(", ")}`);
  assert.deepEqual(extra, [], `no plugins/<name>.ts for: ${extra.join(", ")}`);
});

Deno.test("plugins/mod.ts entries are valid plugins named as their key", () => {
  for (const [name, plugin] of Object.entries(registry)) {
    validatePlugin(plugin, `plugins/${name}.ts`, name);
  }
});

Deno.test("discoverPlugins() loads every plugin file", async () => {
  const found = await discoverPlugins(PLUGINS_DIR);
  assert.deepEqual([...found.keys()], await pluginFileNames());
});
