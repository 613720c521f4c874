import assert from "node:assert/strict";
import { createSession, deleteSession, readSession } from "./sessions.ts";

Deno.test("createSession() stores the session under a hash of its id, with its CSRF token", async () => {
  using kv = await Deno.openKv(":memory:");
  const { id, session } = await createSession(kv, 60_000, 1_000);
  assert.match(id, /^[\w-]{43}$/);
  assert.notEqual(session.csrf, id);
  assert.deepEqual(await readSession(kv, id, 2_000), session);
  for await (const entry of kv.list({ prefix: [] })) {
    assert.ok(!JSON.stringify(entry.key).includes(id), "the id itself is not a KV key");
    assert.ok(!JSON.stringify(entry.value).includes(id));
  }
});

Deno.test("readSession() gives nothing for an expired, unknown, malformed or deleted id", async () => {
  using kv = await Deno.openKv(":memory:");
  const { id } = await createSession(kv, 60_000, 1_000);
  assert.equal(await readSession(kv, id, 61_000), undefined, "past its expiry");
  assert.equal(await readSession(kv, "x".repeat(43), 2_000), undefined);
  assert.equal(await readSession(kv, "short", 2_000), undefined);
  assert.equal(await readSession(kv, "y".repeat(5_000), 2_000), undefined);
  await deleteSession(kv, id);
  assert.equal(await readSession(kv, id, 2_000), undefined);
});
