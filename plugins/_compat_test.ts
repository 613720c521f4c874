import assert from "node:assert/strict";
import { qwenThinking, thinkingSwitch, withoutSignedReasoning } from "./_compat.ts";
import openai from "./openai.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

const claudeTurn = {
  role: "assistant",
  content: "It is 15C.",
  reasoning_content: "Look it up.",
  reasoning_details: [{
    type: "reasoning.text",
    text: "Look it up.",
    signature: "EqQBCgIYAhIM",
    format: "anthropic-claude-v1",
    index: 0,
  }],
};

Deno.test("withoutSignedReasoning() drops other families' reasoning, keeps DeepSeek's own", () => {
  const deepseekTurn = { role: "assistant", content: "4", reasoning_content: "2+2" };
  const body = { messages: [{ role: "user", content: "q" }, claudeTurn, deepseekTurn] };
  withoutSignedReasoning(body);
  assert.deepEqual(body.messages, [
    { role: "user", content: "q" },
    { role: "assistant", content: "It is 15C." },
    deepseekTurn,
  ]);
  const empty = { messages: [{ role: "assistant", content: "x", reasoning_details: [] }] };
  withoutSignedReasoning(empty);
  assert.deepEqual(empty.messages, [{ role: "assistant", content: "x" }]);
});

Deno.test("openai drops signed reasoning unless the channel forwards it", async () => {
  const body = { messages: [{ role: "user", content: "q" }, claudeTurn] };
  const dropped = await shapeRequest(openai, requestContext(openai), structuredClone(body));
  assert.deepEqual((dropped.body as typeof body).messages[1], {
    role: "assistant",
    content: "It is 15C.",
  });
  const ctx = requestContext(openai, { options: { reasoning_details: "forward" } });
  const forwarded = await shapeRequest(openai, ctx, structuredClone(body));
  assert.deepEqual((forwarded.body as typeof body).messages[1], claudeTurn);
});

Deno.test("thinkingSwitch() maps none to thinking disabled and leaves the rest", () => {
  const off: Record<string, unknown> = { reasoning_effort: "none" };
  thinkingSwitch(off);
  assert.deepEqual(off, { thinking: { type: "disabled" } });
  const own: Record<string, unknown> = { reasoning_effort: "none", thinking: { type: "enabled" } };
  thinkingSwitch(own);
  assert.deepEqual(own, { thinking: { type: "enabled" } });
  const low: Record<string, unknown> = { reasoning_effort: "low" };
  thinkingSwitch(low);
  assert.deepEqual(low, { reasoning_effort: "low" });
});

Deno.test("qwenThinking() maps efforts to enable_thinking and thinking_budget", () => {
  const medium: Record<string, unknown> = { reasoning_effort: "medium" };
  qwenThinking(medium);
  assert.deepEqual(medium, { enable_thinking: true, thinking_budget: 8192 });
  const none: Record<string, unknown> = { reasoning_effort: "none" };
  qwenThinking(none);
  assert.deepEqual(none, { enable_thinking: false });
  const own: Record<string, unknown> = { reasoning_effort: "high", thinking_budget: 100 };
  qwenThinking(own);
  assert.deepEqual(own, { enable_thinking: true, thinking_budget: 100 });
  const odd: Record<string, unknown> = { reasoning_effort: "ultra" };
  qwenThinking(odd);
  assert.deepEqual(odd, { reasoning_effort: "ultra" });
});
