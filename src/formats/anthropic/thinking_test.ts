import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import { effortOfThinking, THINKING_TABLE, thinkingFields, thinkingModeOf } from "./thinking.ts";

const body = (extra: Record<string, unknown>) =>
  ({ model: "m", messages: [{ role: "user", content: "q" }], ...extra }) as ChatCompletionRequest;
const fields = (extra: Record<string, unknown>, model = "claude-sonnet-4-5") =>
  thinkingFields(body(extra), { model, defaultMaxTokens: 4096 });
const refused = (param: string) => (e: unknown) =>
  e instanceof ConversionError && e.param === param;

Deno.test("thinkingModeOf() picks adaptive from Claude 4.6 on, a budget before", () => {
  for (const model of ["claude-opus-4-6", "claude-opus-4-7", "claude-sonnet-5", "claude-fable-5"]) {
    assert.equal(thinkingModeOf(model), "adaptive", model);
  }
  for (
    const model of [
      "claude-sonnet-4-5-20250929",
      "claude-sonnet-4-20250514",
      "claude-3-7-sonnet-20250219",
      "claude-haiku-4-5",
      "my-alias",
    ]
  ) assert.equal(thinkingModeOf(model), "budget", model);
});

Deno.test("thinkingFields() sends the table's budget and raises max_tokens past it", () => {
  for (const [effort, row] of Object.entries(THINKING_TABLE)) {
    assert.deepEqual(fields({ reasoning_effort: effort }), {
      thinking: { type: "enabled", budget_tokens: row.budget_tokens },
      max_tokens: row.budget_tokens + 4096,
    });
  }
  assert.deepEqual(fields({ reasoning_effort: "low", max_completion_tokens: 5000 }), {
    thinking: { type: "enabled", budget_tokens: 2048 },
    max_tokens: 5000,
  });
  assert.deepEqual(fields({ reasoning_effort: "none" }), { max_tokens: 4096 });
  assert.deepEqual(fields({}), { max_tokens: 4096 });
});

Deno.test("thinkingFields() uses adaptive thinking with output_config.effort on new models", () => {
  assert.deepEqual(fields({ reasoning_effort: "medium", max_tokens: 900 }, "claude-opus-4-7"), {
    thinking: { type: "adaptive" },
    output_config: { effort: "medium" },
    max_tokens: 900,
  });
  const forced = thinkingFields(body({ reasoning_effort: "high" }), {
    model: "alias",
    defaultMaxTokens: 4096,
    mode: "adaptive",
  });
  assert.deepEqual(forced.output_config, { effort: "high" });
});

Deno.test("thinkingFields() refuses what Claude cannot do while thinking, by field", () => {
  assert.throws(
    () => fields({ reasoning_effort: "high", max_tokens: 1000 }),
    refused("max_tokens"),
  );
  assert.throws(
    () => fields({ reasoning_effort: "low", max_completion_tokens: 2048 }),
    refused("max_completion_tokens"),
  );
  assert.throws(
    () => fields({ reasoning_effort: "low", temperature: 0.2 }),
    refused("temperature"),
  );
  assert.throws(() => fields({ reasoning_effort: "low", top_k: 5 }), refused("top_k"));
  assert.throws(() => fields({ reasoning_effort: "low", top_p: 0.5 }), refused("top_p"));
  assert.throws(
    () => fields({ reasoning_effort: "low", tool_choice: "required" }),
    refused("tool_choice"),
  );
  assert.throws(() => fields({ reasoning_effort: "extreme" }), refused("reasoning_effort"));
  // Allowed alongside thinking: temperature 1, top_p 0.95, tool_choice auto.
  fields({ reasoning_effort: "low", temperature: 1, top_p: 0.95, tool_choice: "auto" });
  // Without thinking nothing is refused.
  fields({ temperature: 0.2, tool_choice: "required" });
});

Deno.test("thinkingFields() passes a client's own thinking object through", () => {
  assert.deepEqual(fields({ thinking: { type: "enabled", budget_tokens: 3000 } }), {
    thinking: { type: "enabled", budget_tokens: 3000 },
    max_tokens: 7096,
  });
  assert.throws(
    () => fields({ thinking: { type: "enabled", budget_tokens: 3000 }, reasoning_effort: "low" }),
    refused("reasoning_effort"),
  );
});

Deno.test("effortOfThinking() maps Claude's thinking back to reasoning_effort", () => {
  assert.equal(effortOfThinking({ type: "enabled", budget_tokens: 1024 }, undefined), "low");
  assert.equal(effortOfThinking({ type: "enabled", budget_tokens: 5000 }, undefined), "medium");
  assert.equal(effortOfThinking({ type: "enabled", budget_tokens: 32000 }, undefined), "high");
  assert.equal(effortOfThinking({ type: "adaptive" }, { effort: "max" }), "max");
  assert.equal(effortOfThinking({ type: "adaptive" }, undefined), undefined);
  assert.equal(effortOfThinking({ type: "disabled" }, { effort: "low" }), undefined);
  assert.equal(effortOfThinking(undefined, undefined), undefined);
});
