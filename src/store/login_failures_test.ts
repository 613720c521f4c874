import assert from "node:assert/strict";
import { clearFailures, readFailures, recordFailure } from "./login_failures.ts";

Deno.test("recordFailure() counts every failure, also those that arrive together", async () => {
  using kv = await Deno.openKv(":memory:");
  await Promise.all(Array.from({ length: 8 }, (_, i) => recordFailure(kv, "10.0.0.1", 1_000 + i)));
  const failures = await readFailures(kv, "10.0.0.1");
  assert.equal(failures?.count, 8);
  assert.equal(await readFailures(kv, "10.0.0.2"), undefined, "per address");
  await clearFailures(kv, "10.0.0.1");
  assert.equal(await readFailures(kv, "10.0.0.1"), undefined);
});
