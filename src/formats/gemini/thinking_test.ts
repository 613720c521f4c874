import assert from "node:assert/strict";
import { UpstreamError } from "../../errors.ts";
import {
  effortOfThinkingConfig,
  GEMINI_THINKING_TABLE,
  takesThinkingLevel,
  thinkingConfigFor,
} from "./thinking.ts";

Deno.test("takesThinkingLevel() is true from Gemini 3 on", () => {
  assert.equal(takesThinkingLevel("gemini-3-pro-preview"), true);
  assert.equal(takesThinkingLevel("models/gemini-3.1-flash"), true);
  assert.equal(takesThinkingLevel("gemini-2.5-flash"), false);
  assert.equal(takesThinkingLevel("my-alias"), false);
});

Deno.test("thinkingConfigFor() sends the table's budget to Gemini 2.5 and asks for thoughts", () => {
  for (const [effort, row] of Object.entries(GEMINI_THINKING_TABLE)) {
    assert.deepEqual(thinkingConfigFor(effort, "gemini-2.5-flash", undefined), {
      thinkingBudget: row.thinkingBudget,
      includeThoughts: effort !== "none",
    });
  }
});

Deno.test("thinkingConfigFor() sends a level to Gemini 3, rounded to what the model knows", () => {
  assert.deepEqual(thinkingConfigFor("medium", "gemini-3-flash-preview", undefined), {
    thinkingLevel: "medium",
    includeThoughts: true,
  });
  assert.equal(
    thinkingConfigFor("medium", "gemini-3-pro-preview", undefined)?.thinkingLevel,
    "high",
  );
  assert.equal(
    thinkingConfigFor("minimal", "gemini-3-pro-preview", undefined)?.thinkingLevel,
    "low",
  );
  // A channel default budget must not ride along with a level: Gemini refuses both.
  assert.deepEqual(
    thinkingConfigFor("low", "gemini-3-pro-preview", {
      thinkingBudget: 99,
      includeThoughts: false,
    }),
    { thinkingLevel: "low", includeThoughts: true },
  );
  assert.deepEqual(thinkingConfigFor(undefined, "gemini-3-pro", { thinkingBudget: 9 }), {
    thinkingBudget: 9,
  });
  assert.throws(
    () => thinkingConfigFor("ultra", "gemini-2.5-pro", undefined),
    (e: unknown) => e instanceof UpstreamError && e.status === 400 && /ultra/.test(e.message),
  );
});

Deno.test("effortOfThinkingConfig() maps a Gemini client's thinking back to reasoning_effort", () => {
  assert.equal(effortOfThinkingConfig({ thinkingLevel: "LOW" }), "low");
  assert.equal(effortOfThinkingConfig({ thinkingBudget: 0 }), "none");
  assert.equal(effortOfThinkingConfig({ thinkingBudget: 1000 }), "low");
  assert.equal(effortOfThinkingConfig({ thinkingBudget: 5000 }), "medium");
  assert.equal(effortOfThinkingConfig({ thinkingBudget: 30000 }), "high");
  assert.equal(effortOfThinkingConfig({ thinkingBudget: -1 }), undefined);
  assert.equal(effortOfThinkingConfig(undefined), undefined);
});
