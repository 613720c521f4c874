import assert from "node:assert/strict";
import { deriveSealingKey, isSealed, open, seal, SealError } from "./secret_box.ts";
import { Secrets } from "./secrets.ts";

const SECRET = "correct horse battery staple";

Deno.test("seal() round-trips through open() and never repeats an IV", async () => {
  const key = await deriveSealingKey(SECRET);
  const a = await seal(key, "sk-upstream-1234", "channel:a:keys");
  const b = await seal(key, "sk-upstream-1234", "channel:a:keys");
  assert.notEqual(a, b);
  assert.notEqual(a.split(".")[1], b.split(".")[1]);
  assert.ok(isSealed(a));
  assert.ok(!a.includes("sk-upstream"));
  assert.equal(await open(key, a, "channel:a:keys"), "sk-upstream-1234");
});

Deno.test("open() refuses another secret, another context and a tampered value", async () => {
  const key = await deriveSealingKey(SECRET);
  const other = await deriveSealingKey(SECRET + "!");
  const sealed = await seal(key, "sk-upstream-1234", "channel:a:keys");
  await assert.rejects(() => open(other, sealed, "channel:a:keys"), SealError);
  await assert.rejects(() => open(key, sealed, "channel:b:keys"), SealError);
  const [v, iv, data] = sealed.split(".");
  const flipped = data.slice(0, -2) + (data.at(-2) === "A" ? "B" : "A") + data.at(-1);
  await assert.rejects(() => open(key, `${v}.${iv}.${flipped}`, "channel:a:keys"), SealError);
  await assert.rejects(() => open(key, "plain text", "channel:a:keys"), /Not a sealed value/);
  await assert.rejects(() => open(key, `${v}.${iv}.AAAA`, "channel:a:keys"), /truncated/);
});

Deno.test("deriveSealingKey() is deterministic per secret and refuses an empty one", async () => {
  const sealed = await seal(await deriveSealingKey(SECRET), "x", "c");
  assert.equal(await open(await deriveSealingKey(SECRET), sealed, "c"), "x");
  await assert.rejects(() => deriveSealingKey(""), /empty secret/);
});

Deno.test("Secrets.open() falls back to the previous secret and says the value is stale", async () => {
  const old = await Secrets.of("the old secret value");
  const sealed = await old.seal("sk-1", "c");
  const rotated = await Secrets.of("the new secret value", "the old secret value");
  assert.deepEqual(await rotated.open(sealed, "c"), { value: "sk-1", stale: true });
  const fresh = await rotated.seal("sk-1", "c");
  assert.deepEqual(await rotated.open(fresh, "c"), { value: "sk-1", stale: false });
  await assert.rejects(() => (Secrets.of("the new secret value")).then((s) => s.open(sealed, "c")));
});

Deno.test("Secrets without a secret cannot seal and say why", async () => {
  const none = await Secrets.of("");
  assert.equal(none.canSeal, false);
  assert.throws(() => none.seal("x", "c"), /No secret is configured/);
  await assert.rejects(() => none.open("v1.a.b", "c"), /No secret is configured/);
});
