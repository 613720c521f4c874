import assert from "node:assert/strict";
import { readVersion } from "./admin_state.ts";
import {
  deleteStoredChannel,
  getStoredChannel,
  listStoredChannels,
  putStoredChannel,
  type StoredChannel,
} from "./channels.ts";
import { adminKeys } from "./keys.ts";

const record: StoredChannel = {
  config: { name: "a", plugin: "echo" },
  keys: [],
  secret_headers: {},
  hints: { keys: [], headers: {} },
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
};

Deno.test("putStoredChannel() inserts only if absent, updates only from the version read, bumps the admin version", async () => {
  using kv = await Deno.openKv(":memory:");
  assert.equal(await readVersion(kv), null);
  assert.equal(await putStoredChannel(kv, "a", record, null), true);
  const v1 = await readVersion(kv);
  assert.notEqual(v1, null);
  assert.equal(await putStoredChannel(kv, "a", record, null), false, "already there");
  const entry = await getStoredChannel(kv, "a");
  assert.deepEqual(entry?.value, record);
  assert.equal(
    await putStoredChannel(kv, "a", { ...record, keys: ["x"] }, entry!.versionstamp),
    true,
  );
  assert.equal(
    await putStoredChannel(kv, "a", record, entry!.versionstamp),
    false,
    "stale version",
  );
  assert.notEqual(await readVersion(kv), v1);
  const fresh = await getStoredChannel(kv, "a");
  assert.equal(await deleteStoredChannel(kv, "a", entry!.versionstamp), false);
  assert.equal(await deleteStoredChannel(kv, "a", fresh!.versionstamp), true);
  assert.equal(await getStoredChannel(kv, "a"), undefined);
});

Deno.test("listStoredChannels() reports a malformed record instead of returning it", async () => {
  using kv = await Deno.openKv(":memory:");
  await putStoredChannel(kv, "good", record, null);
  await kv.set(adminKeys.channel("bad"), { config: "nope" });
  const bad: string[] = [];
  const listed = await listStoredChannels(kv, (name, why) => bad.push(`${name}: ${why}`));
  assert.deepEqual(listed.map((e) => e.name), ["good"]);
  assert.equal(bad.length, 1);
  assert.match(bad[0], /^bad: its stored record is malformed/);
});
