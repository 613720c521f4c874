import assert from "node:assert/strict";
import { codeForClient, codeForUpstream, fitReason, recordedCode } from "./close_codes.ts";

Deno.test("codeForClient() never puts a reserved code on the wire", () => {
  const cases: [number, number][] = [
    [1000, 1000],
    [1001, 1001],
    [1008, 1008],
    [1011, 1011],
    [1014, 1014], // the upstream's own choice, relayed
    [4001, 4001],
    [1005, 1000], // no status: a normal close
    [1006, 1011], // dropped: an upstream failure
    [0, 1011], // Deno's close event after an error carries no code
    [1015, 1011],
    [1004, 1011],
    [2999, 1011],
    [5000, 1011],
  ];
  for (const [from, to] of cases) assert.equal(codeForClient(from), to, `${from}`);
});

Deno.test("codeForUpstream() sends only what a client socket may send", () => {
  for (const code of [1000, 3000, 4999]) assert.equal(codeForUpstream(code), code);
  for (const code of [1001, 1005, 1006, 1008, 1011, 0]) assert.equal(codeForUpstream(code), 1000);
  assert.equal(recordedCode(0), 1006);
  assert.equal(recordedCode(1001), 1001);
});

Deno.test("fitReason() cuts to 123 bytes without splitting a character", () => {
  assert.equal(fitReason("short"), "short");
  const cut = fitReason("é".repeat(100)); // 200 bytes
  assert.equal(cut, "é".repeat(61));
  assert.ok(new TextEncoder().encode(fitReason("a" + "😀".repeat(40))).length <= 123);
});
