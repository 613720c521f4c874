import assert from "node:assert/strict";
import { keptBodies, MAX_BODY_CHARS } from "./bodies.ts";

Deno.test("bodies: the prompt's text from any dialect, the answer from a whole JSON answer", () => {
  const kept = keptBodies({
    request: {
      system: "Be brief",
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    },
    answer: JSON.stringify({
      content: [{ type: "text", text: "Hello" }],
      usage: { input_tokens: 1 },
    }),
  });
  assert.deepEqual(kept, { prompt: "Be brief\nHi", answer: "Hello" });
});

Deno.test("bodies: a stream's answer is its deltas, a non-JSON answer is kept as sent", () => {
  const relayed = [
    JSON.stringify({ type: "response.output_text.delta", delta: "Hel" }),
    JSON.stringify({ type: "response.output_text.delta", delta: "lo" }),
    JSON.stringify({ type: "response.output_text.done", text: "Hello" }),
    "[DONE]",
  ];
  assert.equal(keptBodies({ relayed }).answer, "Hello");
  assert.equal(keptBodies({ answer: "plain" }).answer, "plain");
});

Deno.test("bodies: each side is cut to the limit without splitting a surrogate pair", () => {
  const long = "a".repeat(MAX_BODY_CHARS - 1) + "😀" + "tail";
  const kept = keptBodies({ request: { prompt: long }, answer: JSON.stringify({ text: "short" }) });
  assert.equal(kept.truncated, true);
  assert.equal(kept.prompt, "a".repeat(MAX_BODY_CHARS - 1));
  assert.equal(kept.answer, "short");
  // The worst case (two bytes a character, both sides full) still fits one 64 KiB KV value.
  assert.ok(MAX_BODY_CHARS * 2 * 2 < 60_000);
});
