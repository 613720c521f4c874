import assert from "node:assert/strict";
import { GatewayError } from "../errors.ts";
import { FREE_FAILURES, lockoutMs, LoginThrottle, MAX_LOCKOUT_MS } from "./throttle.ts";

Deno.test("lockoutMs() is free for typos, then doubles from 1 s up to 15 minutes", () => {
  assert.deepEqual([1, 2, 3].map(lockoutMs), [0, 0, 0]);
  assert.equal(FREE_FAILURES, 3);
  assert.deepEqual([4, 5, 6, 7, 13].map(lockoutMs), [1_000, 2_000, 4_000, 8_000, 512_000]);
  assert.equal(lockoutMs(14), MAX_LOCKOUT_MS);
  assert.equal(lockoutMs(1_000), MAX_LOCKOUT_MS);
});

Deno.test("LoginThrottle refuses a locked-out address with 429 until the lockout ends", async () => {
  using kv = await Deno.openKv(":memory:");
  let now = 10_000;
  const throttle = new LoginThrottle(kv, () => now);
  for (let i = 0; i < 4; i++) await throttle.failed("10.0.0.1");
  const error = await throttle.check("10.0.0.1").catch((e) => e);
  assert.ok(error instanceof GatewayError);
  assert.equal(error.status, 429);
  assert.equal(error.headers["retry-after"], "1");
  assert.deepEqual(await throttle.check("10.0.0.2"), { failures: 0 });
  now += 1_000;
  assert.deepEqual(await throttle.check("10.0.0.1"), { failures: 4 });
  await throttle.succeeded("10.0.0.1", 4);
  assert.deepEqual(await throttle.check("10.0.0.1"), { failures: 0 });
});
