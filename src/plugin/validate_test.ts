import assert from "node:assert/strict";
import { discoverPlugins } from "./discover.ts";
import { PluginError, validatePlugin } from "./validate.ts";

Deno.test("validatePlugin() names the file and the reason", () => {
  const cases: [unknown, RegExp][] = [
    [undefined, /default export must be a plugin object/],
    [{ name: "other" }, /name is "other" but must match the file name "acme"/],
    [{ name: "acme", rewriteRequest: "yes" }, /hook "rewriteRequest" must be a function/],
    [{ name: "acme", options: { shape: {} } }, /"options" must be a zod schema/],
    [{ name: "acme", endpoints: ["chat", "video"] }, /"endpoints" must list some of/],
  ];
  for (const [value, reason] of cases) {
    assert.throws(() => validatePlugin(value, "plugins/acme.ts", "acme"), (error: unknown) => {
      assert.ok(error instanceof PluginError);
      assert.match(error.message, /^Plugin plugins\/acme\.ts: /);
      assert.match(error.message, reason);
      return true;
    });
  }
  assert.equal(validatePlugin({ name: "acme" }, "plugins/acme.ts", "acme").name, "acme");
});

Deno.test("discoverPlugins() lists every broken file with its reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/good.ts`, 'export default { name: "good" };\n');
    await Deno.writeTextFile(`${dir}/misnamed.ts`, 'export default { name: "other" };\n');
    await Deno.writeTextFile(`${dir}/syntax.ts`, "export default { name: ;\n");
    await Deno.writeTextFile(`${dir}/_helper.ts`, "this is not even TypeScript\n");
    await Deno.writeTextFile(`${dir}/good_test.ts`, "also ignored\n");
    await assert.rejects(
      () => discoverPlugins(new URL(`file://${dir}/`)),
      (error: unknown) => {
        assert.ok(error instanceof PluginError);
        assert.match(error.message, /plugins\/misnamed\.ts: name is "other"/);
        assert.match(error.message, /plugins\/syntax\.ts: /);
        assert.doesNotMatch(error.message, /good|_helper/);
        return true;
      },
    );
    await Deno.remove(`${dir}/misnamed.ts`);
    await Deno.remove(`${dir}/syntax.ts`);
    const plugins = await discoverPlugins(new URL(`file://${dir}/`));
    assert.deepEqual([...plugins.keys()], ["good"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
