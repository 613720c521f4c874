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

// In a worker, terminated at the end: a module whose top-level await never settles would
// otherwise fail this whole test file once the event loop runs dry.
Deno.test("discoverPlugins() names a plugin whose import never settles, within the bound", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/stuck.ts`, "await new Promise(() => {});\nexport default {};\n");
  await Deno.writeTextFile(
    `${dir}/_worker.ts`,
    `import { discoverPlugins } from ${
      JSON.stringify(new URL("./discover.ts", import.meta.url).href)
    };
    discoverPlugins(new URL("./", import.meta.url), () => {}, { importTimeoutMs: 300 })
      .then(() => postMessage("resolved"), (error) => postMessage(error.message));`,
  );
  const worker = new Worker(new URL(`file://${dir}/_worker.ts`), { type: "module" });
  try {
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const message = await new Promise<string>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => reject(event.message);
      timer = setTimeout(
        () => reject(new Error("discoverPlugins() did not answer in 10 s")),
        10_000,
      );
    }).finally(() => clearTimeout(timer));
    assert.match(message, /plugins\/stuck\.ts: import did not settle within 300 ms/);
    assert.ok(performance.now() - started < 5_000);
  } finally {
    worker.terminate();
    await Deno.remove(dir, { recursive: true });
  }
});
