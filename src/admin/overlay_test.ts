import assert from "node:assert/strict";
import { parseConfig } from "../config/load.ts";
import { Secrets } from "../crypto/secrets.ts";
import { buildGateway } from "../gateway/build.ts";
import { GatewayHolder } from "../gateway/holder.ts";
import { discoverPlugins } from "../plugin/discover.ts";
import { putStoredChannel } from "../store/channels.ts";
import { putStoredKey } from "../store/gateway_keys.ts";
import { StoredOverlay } from "./overlay.ts";
import { sealChannel } from "./stored_channels.ts";
import { hashKey, storedKey } from "./stored_keys.ts";

const plugins = await discoverPlugins(new URL("../../plugins/", import.meta.url));
const SECRET = "a-secret-for-the-overlay";
const yaml = (secret = SECRET) =>
  `secret: "${secret}"\nchannels:\n  - { name: file, plugin: echo, models: [m] }\nkeys:\n  - { name: k, key: sk-file-0001 }\n`;
const build = (text: string) => buildGateway(parseConfig(text, "t.yaml", () => undefined), plugins);
const times = { created_at: "t", updated_at: "t" };

async function storeChannel(kv: Deno.Kv, input: Record<string, unknown>) {
  const record = await sealChannel(input.name as string, input, await Secrets.of(SECRET), times);
  await putStoredChannel(kv, input.name as string, record, null);
}

Deno.test("StoredOverlay adds KV entries to the snapshot and leaves out what cannot run", async () => {
  using kv = await Deno.openKv(":memory:");
  const warnings: string[] = [];
  const overlay = new StoredOverlay(kv, { warn: (l) => warnings.push(l) });
  const holder = new GatewayHolder(build(yaml()), () => Promise.resolve(build(yaml())));
  assert.equal(
    (await holder.setOverlay(overlay.apply)).message,
    "Nothing changed (stored entries)",
  );

  await storeChannel(kv, { name: "kv", plugin: "echo", models: ["n"], keys: ["sk-up-0002"] });
  await storeChannel(kv, { name: "file", plugin: "echo", models: ["x"] });
  await storeChannel(kv, { name: "odd", plugin: "echo", models: ["n"], options: { nope: 1 } });
  await putStoredKey(
    kv,
    "alice",
    storedKey({ hash: hashKey("sk-alice-0003"), hint: "h" }, {}, times),
    null,
  );
  assert.equal((await holder.refresh("test")).ok, true);

  const current = holder.current;
  assert.deepEqual([...current.channelsByName.keys()], ["file", "kv"]);
  assert.equal(current.channelsByName.get("kv")?.keys.all[0], "sk-up-0002");
  assert.deepEqual([...current.stored.channels], ["kv"]);
  assert.equal(current.keys.authenticate("sk-alice-0003", new Date()).name, "alice");
  assert.deepEqual(current.file.config.channels.map((c) => c.name), ["file"]);
  assert.match(overlay.leftOut.channels.get("file")!, /config file has a channel of the same name/);
  assert.match(
    overlay.leftOut.channels.get("odd")!,
    /^invalid: options: unknown field "nope"/,
  );
  assert.equal(warnings.length, 2);

  // A file reload keeps them; a refresh with nothing new warns nothing new.
  assert.equal((await holder.reload("file changed")).ok, true);
  assert.ok(holder.current.channelsByName.has("kv"));
  await holder.refresh("again");
  assert.equal(warnings.length, 2);
});

Deno.test("StoredOverlay refuses a snapshot whose secret does not open a stored key", async () => {
  using kv = await Deno.openKv(":memory:");
  let text = yaml();
  const holder = new GatewayHolder(build(text), () => Promise.resolve(build(text)));
  await holder.setOverlay(new StoredOverlay(kv, { warn() {} }).apply);
  await storeChannel(kv, { name: "kv", plugin: "echo", models: ["n"], keys: ["sk-up-0002"] });
  await holder.refresh("stored");
  text = yaml("another-secret-for-it");
  const result = await holder.reload("file changed");
  assert.equal(result.ok, false);
  assert.match(
    result.message,
    /Channel "kv" stored in KV has upstream keys that the configured secret does not open/,
  );
  assert.ok(holder.current.channelsByName.has("kv"), "the running snapshot stays");
});
