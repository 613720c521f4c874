import assert from "node:assert/strict";
import { durationMs, parseDuration, parseSize, sizeBytes } from "./units.ts";

Deno.test("parseDuration() reads units and bare seconds", () => {
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("1.5m"), 90_000);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("7d"), 604_800_000);
  assert.equal(parseDuration(5), 5_000);
});

Deno.test("parseDuration() rejects unknown units and negatives", () => {
  assert.equal(parseDuration("3x"), undefined);
  assert.equal(parseDuration("s"), undefined);
  assert.equal(parseDuration(-1), undefined);
});

Deno.test("parseSize() reads binary and decimal units", () => {
  assert.equal(parseSize("10MiB"), 10 * 1024 * 1024);
  assert.equal(parseSize("1MB"), 1_000_000);
  assert.equal(parseSize("512kib"), 512 * 1024);
  assert.equal(parseSize("100"), 100);
  assert.equal(parseSize(2048), 2048);
  assert.equal(parseSize("ten"), undefined);
});

Deno.test("durationMs and sizeBytes report the bad value", () => {
  const d = durationMs.safeParse("soon");
  assert.equal(d.success, false);
  assert.match(d.error!.issues[0].message, /Invalid duration "soon"/);
  const s = sizeBytes.safeParse("big");
  assert.match(s.error!.issues[0].message, /Invalid size "big"/);
});
