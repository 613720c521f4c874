import assert from "node:assert/strict";
import { defaultPrice } from "./default_prices.ts";
import { costOf, effectivePrice, formatCost, priceFor } from "./price.ts";

const channelPrice = {
  input: 1,
  output: 2,
  models: { "gpt-4o": { input: 3, output: 4 }, "up-name": { input: 5, output: 6 } },
};

Deno.test("priceFor() prefers the per-model override, then the channel's price", () => {
  assert.deepEqual(priceFor(channelPrice, "gpt-4o"), { input: 3, output: 4 });
  assert.deepEqual(priceFor(channelPrice, "alias", "up-name"), { input: 5, output: 6 });
  assert.equal(priceFor(channelPrice, "other")?.input, 1);
  assert.equal(priceFor(channelPrice, "constructor")?.input, 1, "no prototype lookups");
  assert.equal(priceFor(undefined, "gpt-4o"), undefined);
});

Deno.test("effectivePrice() falls back to the built-in list price of the upstream model", () => {
  assert.equal(effectivePrice(undefined, "my-alias", "gpt-4o-2024-08-06")?.input, 2.5);
  assert.equal(effectivePrice(undefined, "gpt-4o-mini")?.input, 0.15, "longest prefix wins");
  assert.equal(effectivePrice(undefined, "unknown-model"), undefined);
  assert.equal(defaultPrice("toString"), undefined);
});

Deno.test("costOf() prices cached prompt tokens apart", () => {
  const price = { input: 2, output: 10, cached_input: 0.5 };
  // 1000 fresh input at $2/M + 1000 cached at $0.5/M + 500 output at $10/M.
  assert.equal(costOf({ prompt: 2000, completion: 500, cached: 1000 }, price), 0.0075);
  assert.equal(
    costOf({ prompt: 1000, completion: 0, cached: 1000 }, { input: 2, output: 1 }),
    0.002,
  );
});

Deno.test("formatCost() writes plain decimals", () => {
  assert.equal(formatCost(0.0075), "0.0075");
  assert.equal(formatCost(1.2e-7), "0.00000012");
  assert.equal(formatCost(0), "0");
});
