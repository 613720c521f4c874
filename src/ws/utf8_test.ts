import assert from "node:assert/strict";
import { byteLength } from "./utf8.ts";

Deno.test("byteLength() matches what TextEncoder writes", () => {
  const samples = ["", "ascii", "é", "中文", "😀", "a😀b", "\ud800", "\udc00x", "\ud800\ud800"];
  for (const text of samples) {
    assert.equal(byteLength(text), new TextEncoder().encode(text).length, JSON.stringify(text));
  }
});
