import assert from "node:assert/strict";
import { ConfigError, formatPath, parseConfig } from "./load.ts";

const noEnv = () => undefined;

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, "gw.yaml", noEnv);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("parseConfig() fills defaults for an empty file", () => {
  const { config } = parseConfig("", "gw.yaml", noEnv);
  assert.equal(config.server.port, 8787);
  assert.equal(config.server.hostname, "127.0.0.1");
  assert.equal(config.defaults.timeout, 30_000);
  assert.equal(config.defaults.stream_timeout, 300_000);
  assert.equal(config.defaults.max_response_bytes, 10 * 1024 * 1024);
  assert.equal(config.routing.strategy, "priority");
  assert.deepEqual(config.channels, []);
});

Deno.test("parseConfig() names the file, line and path of an unknown field", () => {
  const [problem] = problems("server:\n  port: 1\n  hots: x\n");
  assert.equal(problem, "gw.yaml:3:3: unknown field server.hots");
});

Deno.test("parseConfig() names the channel field of a bad value", () => {
  const [problem] = problems(
    "channels:\n  - name: a\n    plugin: openai\n    timeout: 3x\n",
  );
  assert.match(problem, /^gw\.yaml:4:14: channels\[0\]\.timeout: Invalid duration "3x"/);
});

Deno.test("parseConfig() reports YAML syntax errors with a position", () => {
  const [problem] = problems("server: [1, 2\n");
  assert.match(problem, /^gw\.yaml:\d+:\d+: /);
});

Deno.test("parseConfig() rejects duplicate channel names", () => {
  const list = problems(
    "channels:\n  - { name: a, plugin: openai }\n  - { name: a, plugin: openai }\n",
  );
  assert.match(list[0], /channels\[1\]\.name: Duplicate channel "a"/);
});

Deno.test("parseConfig() substitutes the environment before validating", () => {
  const { config, unset } = parseConfig(
    'server:\n  port: ${PORT:-1234}\nchannels:\n  - { name: a, plugin: openai, keys: ["${K}"] }\n',
    "gw.yaml",
    (name) => (name === "PORT" ? "4321" : undefined),
  );
  assert.equal(config.server.port, 4321);
  assert.deepEqual(config.channels[0].keys, [""]);
  assert.deepEqual(unset.map((u) => u.name), ["K"]);
});

Deno.test("parseConfig() parses key expiry dates", () => {
  const { config } = parseConfig(
    "keys:\n  - { name: k, key: secret, expires: 2027-01-01 }\n",
    "gw.yaml",
    noEnv,
  );
  assert.equal(config.keys[0].expires?.toISOString(), "2027-01-01T00:00:00.000Z");
});

Deno.test("formatPath() renders indexes and fields", () => {
  assert.equal(formatPath(["channels", 0, "options", "x"]), "channels[0].options.x");
});

Deno.test("parseConfig() accepts the embedded default config", async () => {
  const { DEFAULT_CONFIG } = await import("./default_config.ts");
  const { config, unset } = parseConfig(DEFAULT_CONFIG, "(embedded)", noEnv);
  assert.equal(config.server.port, 8787);
  assert.equal(config.channels[0].plugin, "echo");
  assert.deepEqual(unset.map((u) => u.name), ["SLUICE_ADMIN_KEY"]);
});

Deno.test("parseConfig() names a malformed quota cron and an unknown time zone", () => {
  const [cron] = problems(
    'keys:\n  - name: a\n    key: k\n    limits: { requests: 1, reset: "61 * * * *" }\n',
  );
  assert.match(cron, /keys\[0\]\.limits\.reset: Invalid cron "61 \* \* \* \*": .*minute/);
  const [fields] = problems(
    'channels:\n  - name: a\n    plugin: openai\n    limits: { reset: "0 0 * *" }\n',
  );
  assert.match(fields, /channels\[0\]\.limits\.reset: Expected a 5-field cron expression/);
  const [zone] = problems(
    "keys:\n  - name: a\n    key: k\n    limits: { cost: 5, timezone: Mars/Olympus }\n",
  );
  assert.match(zone, /keys\[0\]\.limits\.timezone: Unknown time zone/);
});
