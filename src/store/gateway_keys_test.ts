import assert from "node:assert/strict";
import { readVersion } from "./admin_state.ts";
import {
  deleteStoredKey,
  getStoredKey,
  listStoredKeys,
  putStoredKey,
  type StoredGatewayKey,
} from "./gateway_keys.ts";
import { adminKeys } from "./keys.ts";

const record: StoredGatewayKey = {
  hash: `sha256:${"ab".repeat(32)}`,
  hint: "sk-…abcd",
  config: { models: ["gpt-*"] },
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
};

Deno.test("putStoredKey() and deleteStoredKey() check the version read and bump the admin version", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await putStoredKey(kv, "alice", record, null), true);
  assert.equal(await putStoredKey(kv, "alice", record, null), false);
  const entry = await getStoredKey(kv, "alice");
  assert.deepEqual(entry?.value, record);
  const version = await readVersion(kv);
  assert.equal(await deleteStoredKey(kv, "alice", entry!.versionstamp), true);
  assert.notEqual(await readVersion(kv), version);
  assert.deepEqual(await listStoredKeys(kv), []);
});

Deno.test("StoredGatewayKey refuses anything but a sha256 digest as the stored key", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(adminKeys.gatewayKey("plain"), { ...record, hash: "sk-plaintext-key" });
  const bad: string[] = [];
  assert.deepEqual(await listStoredKeys(kv, (name) => bad.push(name)), []);
  assert.deepEqual(bad, ["plain"]);
  assert.equal(await getStoredKey(kv, "plain"), undefined);
});
