import assert from "node:assert/strict";
import { KeyPool } from "./key_pool.ts";

Deno.test("KeyPool.pick() rotates and skips keys set aside until they are due back", () => {
  let now = 0;
  const pool = new KeyPool(["a", "b", "c"], () => now);
  assert.deepEqual([pool.pick(), pool.pick(), pool.pick(), pool.pick()], ["a", "b", "c", "a"]);
  pool.setAside("b", 100);
  assert.deepEqual([pool.pick(), pool.pick(), pool.pick()], ["c", "a", "c"]);
  assert.equal(pool.asideCount(), 1);
  now = 100;
  assert.deepEqual([pool.pick(), pool.pick()], ["a", "b"]);
});

Deno.test("KeyPool.pick() falls back to the key due back soonest when all are aside", () => {
  const pool = new KeyPool(["a", "b"], () => 0);
  pool.setAside("a", 200);
  pool.setAside("b", 100);
  assert.equal(pool.pick(), "b");
});

Deno.test("KeyPool.pick() returns an empty key for channels without keys", () => {
  assert.equal(new KeyPool([]).pick(), "");
});
