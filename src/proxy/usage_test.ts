import assert from "node:assert/strict";
import { toTokenUsage, usageFromTail, usageFromTailBytes } from "./usage.ts";

Deno.test("usageFromTail() reads the top-level usage without parsing the answer", () => {
  const answer = {
    id: "x",
    choices: [{ message: { content: 'quoted "usage": {"prompt_tokens": 999} in text' } }],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 34,
      prompt_tokens_details: { cached_tokens: 2 },
    },
  };
  assert.deepEqual(usageFromTail(JSON.stringify(answer)), answer.usage);
  assert.deepEqual(usageFromTail(JSON.stringify(answer, null, 2)), answer.usage);
});

Deno.test("usageFromTailBytes() finds the same usage in the encoded answer", () => {
  const answer = { choices: [{ text: "‘usage’ ✓" }], usage: { prompt_tokens: 3, total_tokens: 4 } };
  const bytes = new TextEncoder().encode(JSON.stringify(answer));
  assert.deepEqual(usageFromTailBytes(bytes), answer.usage);
  assert.equal(usageFromTailBytes(new TextEncoder().encode('{"choices":[]}')), undefined);
  assert.equal(usageFromTailBytes(new Uint8Array()), undefined);
});

Deno.test("usageFromTail() is undefined without a usage object", () => {
  assert.equal(usageFromTail('{"choices":[]}'), undefined);
  assert.equal(usageFromTail('{"usage":null}'), undefined);
  assert.equal(usageFromTail('{"usage":{"prompt_tokens":1'), undefined);
});

Deno.test("toTokenUsage() derives completion tokens and keeps cached ones", () => {
  assert.deepEqual(toTokenUsage({ prompt_tokens: 5, total_tokens: 9 }), {
    prompt: 5,
    completion: 4,
  });
  assert.deepEqual(
    toTokenUsage({
      prompt_tokens: 5,
      completion_tokens: 1,
      prompt_tokens_details: { cached_tokens: 3 },
    }),
    { prompt: 5, completion: 1, cached: 3 },
  );
  assert.equal(toTokenUsage(undefined), undefined);
});
