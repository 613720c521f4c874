import assert from "node:assert/strict";
import { UpstreamError } from "../../errors.ts";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import { chatToGenerate } from "./chat_to_generate.ts";

type Completion = Parameters<typeof chatToGenerate>[0];
const options = { model: "gpt-4o-mini", includeThoughts: false };
const answer = (message: Record<string, unknown>, finish = "stop"): Completion => ({
  id: "chatcmpl-1",
  choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
});

Deno.test("chatToGenerate() turns a tool call answer into a functionCall part with usage", () => {
  const completion = fixtureJson<Completion>("openai_completion_tool_calls.json");
  assert.deepEqual(chatToGenerate(completion, options), {
    candidates: [{
      content: {
        role: "model",
        parts: [{
          functionCall: {
            id: "call_abc123",
            name: "get_current_weather",
            args: { location: "Boston, MA" },
          },
        }],
      },
      finishReason: "STOP",
      index: 0,
    }],
    usageMetadata: { promptTokenCount: 82, candidatesTokenCount: 17, totalTokenCount: 99 },
    modelVersion: "gpt-4o-mini",
    responseId: "chatcmpl-abc123",
  });
});

Deno.test("chatToGenerate() maps finish reasons and reasoning tokens", () => {
  const reasons = ["stop", "length", "content_filter", "tool_calls", "something_new"].map((r) =>
    chatToGenerate(answer({ content: "x" }, r), options).candidates?.[0].finishReason
  );
  assert.deepEqual(reasons, ["STOP", "MAX_TOKENS", "SAFETY", "STOP", "OTHER"]);
  const usage = chatToGenerate({
    ...answer({ content: "x" }),
    usage: {
      prompt_tokens: 10,
      completion_tokens: 30,
      total_tokens: 40,
      completion_tokens_details: { reasoning_tokens: 20 },
      prompt_tokens_details: { cached_tokens: 4 },
    },
  }, options).usageMetadata;
  assert.deepEqual(usage, {
    promptTokenCount: 10,
    candidatesTokenCount: 10,
    totalTokenCount: 40,
    thoughtsTokenCount: 20,
    cachedContentTokenCount: 4,
  });
});

Deno.test("chatToGenerate() gives Gemini's signed reasoning back and drops other families'", () => {
  const message = {
    content: "Sunny.",
    reasoning_content: "Think.",
    reasoning_details: [
      {
        type: "reasoning.text",
        text: "Think.",
        signature: "sig-g",
        format: "google-gemini-v1",
        index: 0,
      },
      { type: "reasoning.text", text: "Claude", signature: "sig-a", format: "anthropic-claude-v1" },
    ],
  };
  assert.deepEqual(
    chatToGenerate(answer(message), { ...options, includeThoughts: true })
      .candidates?.[0].content?.parts,
    [
      { text: "Think.", thought: true, thoughtSignature: "sig-g" },
      { text: "Sunny." },
    ],
  );
  // Thought text only for a client that asked; the signature still goes back, on the next part.
  assert.deepEqual(chatToGenerate(answer(message), options).candidates?.[0].content?.parts, [
    { text: "Sunny.", thoughtSignature: "sig-g" },
  ]);
  assert.deepEqual(
    chatToGenerate(answer({ content: "", reasoning_content: "Plain" }), {
      ...options,
      includeThoughts: true,
    }).candidates?.[0].content?.parts,
    [{ text: "Plain", thought: true }],
  );
});

Deno.test("chatToGenerate() fails over on tool arguments that are not JSON", () => {
  const broken = answer({
    content: null,
    tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }],
  }, "tool_calls");
  assert.throws(
    () => chatToGenerate(broken, options),
    (e) => e instanceof UpstreamError && e.status === 502,
  );
});
