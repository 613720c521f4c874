import assert from "node:assert/strict";
import { parseConfig } from "../config/load.ts";
import { discoverPlugins, type PluginSet } from "../plugin/discover.ts";
import { buildGateway, type Gateway } from "./build.ts";
import { GatewayHolder } from "./holder.ts";

const plugins: PluginSet = await discoverPlugins(new URL("../../plugins/", import.meta.url));
const env = (name: string) => ({ ALICE_KEY: "sk-alice-1234" } as Record<string, string>)[name];

function gateway(yaml: string): Gateway {
  return buildGateway(parseConfig(yaml, "t.yaml", env), plugins);
}

const ECHO = "channels:\n  - { name: echo, plugin: echo, models: [m] }\n";
const KEYED = `${ECHO}keys:\n  - { name: alice, key: "\${ALICE_KEY}" }\n`;

/** A holder whose reloads build `next()`, with its log lines kept. */
function holder(initial: string, next: () => string) {
  const lines: string[] = [];
  const h = new GatewayHolder(initial === "" ? gateway(ECHO) : gateway(initial), () => {
    return Promise.resolve(gateway(next()));
  }, { info: (l) => lines.push(`info ${l}`), warn: (l) => lines.push(`warn ${l}`) });
  return { h, lines };
}

Deno.test("GatewayHolder.reload() swaps in a valid snapshot", async () => {
  const { h, lines } = holder(KEYED, () => KEYED.replace("models: [m]", "models: [m, n]"));
  const result = await h.reload("test");
  assert.equal(result.ok, true);
  assert.equal(result.message, "Reloaded t.yaml (test): 1 channel, 1 key");
  assert.equal(h.current.config.channels[0].models?.length, 2);
  assert.deepEqual(lines, ["info Reloaded t.yaml (test): 1 channel, 1 key"]);
});

Deno.test("GatewayHolder.reload() refuses a snapshot that would open a keyed gateway", async () => {
  const running = gateway(KEYED);
  for (const next of [ECHO, KEYED.replace("${ALICE_KEY}", "${UNSET_KEY}")]) {
    const lines: string[] = [];
    const h = new GatewayHolder(running, () => Promise.resolve(gateway(next)), {
      info: (l) => lines.push(l),
      warn: (l) => lines.push(l),
    });
    const result = await h.reload("file changed");
    assert.equal(result.ok, false);
    assert.equal(h.current, running);
    assert.equal(h.current.keys.open, false);
    assert.match(
      result.message,
      /refused, keeping the running config: it has no usable gateway key/,
    );
    assert.match(result.message, /restart/);
    assert.deepEqual(lines, [result.message]);
  }
});

Deno.test("GatewayHolder.reload() refuses a truncated file: no keys and no channels", async () => {
  const { h, lines } = holder(KEYED, () => "");
  const before = h.current;
  const result = await h.reload("file changed");
  assert.equal(result.ok, false);
  assert.equal(h.current, before);
  assert.match(result.message, /no usable gateway key.*; it has no usable channel$/);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^warn Reload \(file changed\) of t\.yaml refused/);
});

Deno.test("GatewayHolder.reload() refuses a snapshot with no channel, even when open", async () => {
  const { h } = holder(ECHO, () => "channels: []\n");
  const result = await h.reload("test");
  assert.equal(result.ok, false);
  assert.match(result.message, /it has no usable channel$/);
  assert.equal(h.current.channels.length, 1);
});

Deno.test("GatewayHolder.reload() lets an open gateway stay open and a keyed one gain keys", async () => {
  const open = holder(ECHO, () => ECHO.replace("models: [m]", "models: [m, n]"));
  assert.equal((await open.h.reload("test")).ok, true);
  const keyed = holder(ECHO, () => KEYED);
  assert.equal((await keyed.h.reload("test")).ok, true);
  assert.equal(keyed.h.current.keys.open, false);
});

Deno.test("GatewayHolder.reload() keeps the running config when the load throws", async () => {
  const { h, lines } = holder(KEYED, () => "channels: [{ name: x, plugin: nope }]\n");
  const before = h.current;
  const result = await h.reload("test");
  assert.equal(result.ok, false);
  assert.equal(h.current, before);
  assert.match(
    lines[0],
    /^warn Reload \(test\) failed, keeping the running config: Invalid config/,
  );
});
