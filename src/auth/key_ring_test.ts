import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { GatewayKeyConfig } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import { keyDigest, KeyRing, redact } from "./key_ring.ts";

const now = new Date("2026-06-01T00:00:00Z");
const key = (fields: Record<string, unknown>) => GatewayKeyConfig.parse(fields);

function status(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error.status;
  }
  return 200;
}

Deno.test("KeyRing.authenticate() accepts plain and sha256 keys and rejects others", () => {
  const hex = createHash("sha256").update("sk-two").digest("hex");
  const ring = new KeyRing([
    key({ name: "one", key: "sk-one" }),
    key({ name: "two", key: `sha256:${hex}` }),
  ]);
  assert.equal(ring.authenticate("sk-one", now).name, "one");
  assert.equal(ring.authenticate("sk-two", now).name, "two");
  assert.equal(status(() => ring.authenticate("sk-three", now)), 401);
  assert.equal(status(() => ring.authenticate(undefined, now)), 401);
  assert.equal(status(() => ring.authenticate(`sha256:${hex}`, now)), 401, "a hash is not a key");
});

Deno.test("KeyRing.authenticate() refuses expired keys with 403", () => {
  const ring = new KeyRing([key({ name: "old", key: "sk-old", expires: "2026-01-01" })]);
  assert.equal(status(() => ring.authenticate("sk-old", now)), 403);
});

Deno.test("KeyRing skips empty and malformed keys with one warning each, and is open without keys", () => {
  const warnings: string[] = [];
  const ring = new KeyRing(
    [key({ name: "unset", key: "" }), key({ name: "bad", key: "sha256:xyz" })],
    (w) => warnings.push(w),
  );
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /Key "unset" skipped/);
  assert.equal(ring.open, true);
  assert.equal(ring.authenticate(undefined, now).name, "anonymous");
});

Deno.test("GatewayKey.allowsModel() matches globs against the model and channel/model", () => {
  const ring = new KeyRing([key({ name: "k", key: "sk-k", models: ["gpt-*", "local/*"] })]);
  const k = ring.authenticate("sk-k", now);
  assert.equal(k.allowsModel("gpt-4o"), true);
  assert.equal(k.allowsModel("claude-3"), false);
  assert.equal(k.allowsModel("llama", "local"), true);
});

Deno.test("keyDigest() and redact() never expose a key", () => {
  assert.equal(keyDigest(""), undefined);
  assert.equal(keyDigest("sha256:abc"), undefined);
  assert.equal(redact("sk-abcdefghijkl"), "sk-…ijkl");
  assert.equal(redact("short"), "****");
});
