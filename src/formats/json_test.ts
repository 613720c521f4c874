import assert from "node:assert/strict";
import { exceedsDepth, JsonTooDeepError, parseJsonBounded } from "./json.ts";

const nest = (n: number) => "[".repeat(n) + "1" + "]".repeat(n);

Deno.test("parseJsonBounded() refuses nesting past the limit and parses the rest", () => {
  assert.deepEqual(parseJsonBounded(nest(3), 3), [[[1]]]);
  assert.throws(() => parseJsonBounded(nest(4), 3), JsonTooDeepError);
  assert.throws(() => parseJsonBounded(nest(3000)), JsonTooDeepError);
  assert.throws(() => parseJsonBounded("{nope"), SyntaxError);
});

Deno.test("exceedsDepth() ignores brackets inside strings, escaped quotes included", () => {
  assert.equal(exceedsDepth(JSON.stringify({ a: "[[[[[[[[" }), 2), false);
  assert.equal(exceedsDepth(JSON.stringify({ a: 'x\\"[[[[[[\\\\' }), 2), false);
  assert.equal(exceedsDepth(`{"a":"\\\\"}` + nest(5), 3), true);
});

Deno.test("exceedsDepth() skips a large string in one step", () => {
  const text = JSON.stringify({ image: "A".repeat(8 * 1024 * 1024), list: [[1]] });
  const started = performance.now();
  assert.equal(exceedsDepth(text, 100), false);
  assert.ok(performance.now() - started < 1000);
});
