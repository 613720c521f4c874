import assert from "node:assert/strict";
import { isBusy, retryBusy } from "./retry.ts";

Deno.test("retryBusy() waits out SQLite contention and rethrows anything else", async () => {
  let calls = 0;
  const value = await retryBusy(() => {
    if (++calls < 3) return Promise.reject(new TypeError("database is locked"));
    return Promise.resolve("done");
  });
  assert.equal(value, "done");
  assert.equal(calls, 3);
  let other = 0;
  await assert.rejects(
    retryBusy(() => {
      other++;
      return Promise.reject(new Error("disk full"));
    }),
    /disk full/,
  );
  assert.equal(other, 1, "a real error is not retried");
  await assert.rejects(retryBusy(() => Promise.reject(new TypeError("database is locked")), 2));
  assert.equal(isBusy(new Error("SQLITE_BUSY: database is locked")), true);
});
