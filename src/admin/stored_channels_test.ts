import assert from "node:assert/strict";
import { parseConfig } from "../config/load.ts";
import { Secrets } from "../crypto/secrets.ts";
import { GatewayError } from "../errors.ts";
import { buildGateway } from "../gateway/build.ts";
import { discoverPlugins } from "../plugin/discover.ts";
import {
  isSecretHeader,
  mergeChannel,
  openChannel,
  sealChannel,
  validateChannel,
} from "./stored_channels.ts";

const plugins = await discoverPlugins(new URL("../../plugins/", import.meta.url));
const gateway = buildGateway(
  parseConfig("channels:\n  - { name: e, plugin: echo, models: [m] }\n", "t.yaml", () => undefined),
  plugins,
);
const times = { created_at: "t0", updated_at: "t1" };

function refusal(input: Record<string, unknown>): { param: string | null; message: string } {
  try {
    validateChannel(input, gateway);
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    return { param: error.param, message: error.message };
  }
  assert.fail("accepted");
}

Deno.test("validateChannel() checks as the file does and names the field", () => {
  const ok = validateChannel({ name: "a", plugin: "openai", models: ["m"], timeout: 60 }, gateway);
  assert.equal(ok.timeout, 60_000, "bare numbers are seconds, as in the file");
  assert.deepEqual(refusal({ plugin: "echo" }), {
    param: "name",
    message: "Missing required field 'name'",
  });
  assert.equal(refusal({ name: "a", plugin: "echo", models: "all" }).param, "models");
  assert.deepEqual(refusal({ name: "a", plugin: "gone", models: ["m"] }).param, "plugin");
  const azure = refusal({
    name: "a",
    plugin: "azure",
    base_url: "https://x.example",
    models: ["m"],
    options: { api: 3 },
  });
  assert.equal(azure.param, "options.api");
  assert.equal(
    refusal({ name: "a", plugin: "echo", models: ["m"], headers: { "a b": "c" } }).param,
    "headers.a b",
  );
  assert.equal(
    refusal({ name: "a", plugin: "echo", models: ["m"], __proto__x: 1 }).param,
    "__proto__x",
  );
});

Deno.test("sealChannel() seals keys and credential headers; openChannel() gives them back", async () => {
  const secrets = await Secrets.of("a-secret-for-this-test");
  const input = {
    name: "a",
    plugin: "openai",
    models: ["m"],
    keys: ["sk-one-1111", "", "sk-two-2222"],
    headers: { Authorization: "Bearer hdr-secret-3333", "X-Team": "t" },
  };
  const stored = await sealChannel("a", input, secrets, times);
  const text = JSON.stringify(stored);
  for (const secret of ["sk-one-1111", "sk-two-2222", "hdr-secret-3333"]) {
    assert.ok(!text.includes(secret));
  }
  assert.deepEqual(stored.hints, {
    keys: ["sk-…1111", "sk-…2222"],
    headers: { Authorization: "Bea…3333" },
  });
  assert.deepEqual(stored.config.headers, { "X-Team": "t" });
  const opened = await openChannel("a", stored, secrets);
  assert.deepEqual(opened.input.keys, ["sk-one-1111", "sk-two-2222"]);
  assert.deepEqual(opened.input.headers, {
    "X-Team": "t",
    Authorization: "Bearer hdr-secret-3333",
  });
  assert.equal(opened.stale, false);
  await assert.rejects(
    () => openChannel("b", stored, secrets),
    /does not open/,
    "bound to its channel",
  );
});

Deno.test("sealChannel() refuses keys when no secret is configured", async () => {
  const none = await Secrets.of("");
  await assert.rejects(
    () => sealChannel("a", { name: "a", plugin: "echo", keys: ["sk-x"] }, none, times),
    /no `secret` is configured/,
  );
  const plain = await sealChannel("a", { name: "a", plugin: "echo", models: ["m"] }, none, times);
  assert.deepEqual(plain.keys, []);
});

Deno.test("mergeChannel() patches, resets with null, and resolves masked values to stored ones", () => {
  const current = {
    name: "a",
    plugin: "openai",
    keys: ["sk-one-1111"],
    headers: { "api-key": "hdr-secret-3333", "X-Team": "t" },
    timeout: "5s",
  };
  const merged = mergeChannel(current, {
    keys: ["sk-…1111", "sk-new-4444"],
    headers: { "api-key": "hdr…3333", "X-Team": "u" },
    timeout: null,
  });
  assert.deepEqual(merged.keys, ["sk-one-1111", "sk-new-4444"]);
  assert.deepEqual(merged.headers, { "api-key": "hdr-secret-3333", "X-Team": "u" });
  assert.equal("timeout" in merged, false);
  const replaced = mergeChannel(current, { plugin: "echo", models: ["m"] }, true);
  assert.deepEqual(replaced, { name: "a", keys: ["sk-one-1111"], plugin: "echo", models: ["m"] });
});

Deno.test("isSecretHeader() names credential headers", () => {
  for (
    const h of ["Authorization", "api-key", "X-Api-Key", "x-goog-api-key", "Cookie", "X-Auth-Token"]
  ) {
    assert.ok(isSecretHeader(h), h);
  }
  for (const h of ["X-Team", "User-Agent", "OpenAI-Organization"]) assert.ok(!isSecretHeader(h), h);
});
