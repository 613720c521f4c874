import assert from "node:assert/strict";
import { escapeField, escapeText, quote } from "./escape.ts";

Deno.test("escapeField() leaves plain values alone", () => {
  for (const value of ["gpt-4o", "openai", "alice", "qwen2.5:7b", "模型"]) {
    assert.equal(escapeField(value), value);
  }
});

Deno.test("escapeField() quotes newlines, spaces, quotes and an empty value onto one field", () => {
  assert.equal(escapeField("x\n2026 200"), '"x\\n2026 200"');
  assert.equal(escapeField("a key=admin"), '"a key=admin"');
  assert.equal(escapeField('say "hi"'), '"say \\"hi\\""');
  assert.equal(escapeField(""), '""');
  assert.equal(escapeField("a\rb"), '"a\\rb"');
});

Deno.test("escapeField() escapes ANSI, C1, line separators and bidi overrides", () => {
  const hostile = "\x1b[31mred\x1b[0m\x9b2J\u2028\u202e";
  const escaped = escapeField(hostile);
  assert.equal(escaped, '"\\u001b[31mred\\u001b[0m\\u009b2J\\u2028\\u202e"');
  assert.equal(JSON.parse(escaped), hostile);
});

Deno.test("quote() always quotes and round-trips through JSON.parse", () => {
  assert.equal(quote("plain"), '"plain"');
  assert.equal(JSON.parse(quote("a\u0085b\u2029")), "a\u0085b\u2029");
});

Deno.test("escapeText() indents continuation lines and escapes other controls", () => {
  assert.equal(
    escapeText("Invalid config:\n  a.yaml:1:1: bad"),
    "Invalid config:\n    a.yaml:1:1: bad",
  );
  assert.equal(
    escapeText("x\n2026-01-01T00:00:00.000Z INFO forged"),
    "x\n  2026-01-01T00:00:00.000Z INFO forged",
  );
  assert.equal(escapeText("\x1b[2Jtab\there\r"), "\\u001b[2Jtab\\there\\r");
});
