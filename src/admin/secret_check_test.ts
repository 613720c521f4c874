import assert from "node:assert/strict";
import { Secrets } from "../crypto/secrets.ts";
import { readVerifier } from "../store/admin_state.ts";
import { getStoredChannel, putStoredChannel } from "../store/channels.ts";
import { adminKeys } from "../store/keys.ts";
import { checkSecret, SecretError } from "./secret_check.ts";
import { openChannel, sealChannel } from "./stored_channels.ts";

const OLD = "the-old-secret-value-0001";
const NEW = "the-new-secret-value-0002";
const times = { created_at: "t", updated_at: "t" };

async function store(kv: Deno.Kv, secret: string, name = "a") {
  const secrets = await Secrets.of(secret);
  const record = await sealChannel(
    name,
    { name, plugin: "echo", keys: ["sk-up-1234"] },
    secrets,
    times,
  );
  await putStoredChannel(kv, name, record, null);
  await checkSecret(kv, { secret, secret_previous: "" }); // writes the verifier
}

Deno.test("checkSecret() passes the secret that sealed, and refuses another or none", async () => {
  using kv = await Deno.openKv(":memory:");
  await store(kv, OLD);
  assert.deepEqual(await checkSecret(kv, { secret: OLD, secret_previous: "" }), {
    sealed: 1,
    rotated: 0,
    notes: [],
  });
  await assert.rejects(
    () => checkSecret(kv, { secret: NEW, secret_previous: "" }),
    (e) =>
      e instanceof SecretError &&
      /does not open the upstream keys of 1 stored channel/.test(e.message),
  );
  await assert.rejects(
    () => checkSecret(kv, { secret: "", secret_previous: "" }),
    /"secret" is empty/,
  );
});

Deno.test("checkSecret() seals again with the new secret what only the previous one opens", async () => {
  using kv = await Deno.openKv(":memory:");
  await store(kv, OLD, "a");
  await store(kv, OLD, "b");
  const report = await checkSecret(kv, { secret: NEW, secret_previous: OLD });
  assert.equal(report.rotated, 2);
  assert.match(report.notes[0], /no longer needed/);
  const only = await Secrets.of(NEW);
  const entry = await getStoredChannel(kv, "a");
  assert.deepEqual((await openChannel("a", entry!.value, only)).input.keys, ["sk-up-1234"]);
  assert.ok(!(await only.open((await readVerifier(kv)).value!, "verifier")).stale);
  const again = await checkSecret(kv, { secret: NEW, secret_previous: OLD });
  assert.equal(again.rotated, 0);
  assert.match(again.notes[0], /nothing stored needs it/);
});

Deno.test("checkSecret() lets the secret change freely while nothing is sealed", async () => {
  using kv = await Deno.openKv(":memory:");
  await store(kv, OLD);
  await kv.delete(adminKeys.channel("a"));
  assert.equal((await checkSecret(kv, { secret: NEW, secret_previous: "" })).sealed, 0);
  await assert.doesNotReject(() =>
    (Secrets.of(NEW)).then(async (s) => s.open((await readVerifier(kv)).value!, "verifier"))
  );
  await checkSecret(kv, { secret: "", secret_previous: "" });
  assert.equal((await readVerifier(kv)).value, null);
});
