import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import { anthropicUsage, chatCompletionToMessage, stopReasonOf } from "./response_from_chat.ts";

Deno.test("chatCompletionToMessage() converts tool calls (openai_completion_tool_calls.json)", () => {
  const out = chatCompletionToMessage(fixtureJson("openai_completion_tool_calls.json"), "alias");
  assert.deepEqual(out, {
    id: "msg_chatcmpl-abc123",
    type: "message",
    role: "assistant",
    model: "gpt-4o-mini",
    content: [{
      type: "tool_use",
      id: "call_abc123",
      name: "get_current_weather",
      input: { location: "Boston, MA" },
    }],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: {
      input_tokens: 82,
      output_tokens: 17,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  });
});

Deno.test("chatCompletionToMessage() keeps text, reasoning and refusals", () => {
  const out = chatCompletionToMessage({
    id: "x",
    choices: [{
      message: { content: "Hi", reasoning_content: "thought" },
      finish_reason: "length",
    }],
  }, "fallback");
  assert.equal(out.model, "fallback");
  assert.deepEqual(out.content, [
    { type: "thinking", thinking: "thought", signature: "" },
    { type: "text", text: "Hi" },
  ]);
  assert.equal(out.stop_reason, "max_tokens");
  const refused = chatCompletionToMessage({
    choices: [{ message: { content: null, refusal: "I can't." }, finish_reason: "stop" }],
  }, "m");
  assert.equal(refused.stop_reason, "refusal");
  assert.deepEqual(refused.content, [{ type: "text", text: "I can't." }]);
});

Deno.test("chatCompletionToMessage() survives invalid tool arguments and missing fields", () => {
  const out = chatCompletionToMessage({
    choices: [{
      message: { tool_calls: [{ id: "call_1", function: { name: "f", arguments: "{bad" } }] },
      finish_reason: "tool_calls",
    }],
  }, "m");
  assert.deepEqual(out.content, [{ type: "tool_use", id: "call_1", name: "f", input: {} }]);
  assert.deepEqual(chatCompletionToMessage(undefined, "m").content, []);
});

Deno.test("stopReasonOf() and anthropicUsage() map OpenAI's fields", () => {
  assert.equal(stopReasonOf("stop"), "end_turn");
  assert.equal(stopReasonOf("length"), "max_tokens");
  assert.equal(stopReasonOf("tool_calls"), "tool_use");
  assert.equal(stopReasonOf("function_call"), "tool_use");
  assert.equal(stopReasonOf("content_filter"), "refusal");
  assert.equal(stopReasonOf(null), "end_turn");
  assert.deepEqual(
    anthropicUsage({
      prompt_tokens: 100,
      completion_tokens: 5,
      prompt_tokens_details: { cached_tokens: 60 },
    }),
    {
      input_tokens: 40,
      output_tokens: 5,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 60,
    },
  );
});

Deno.test("chatCompletionToMessage() rebuilds signed thinking from Anthropic-family details only", () => {
  const fmt = "anthropic-claude-v1";
  const out = chatCompletionToMessage({
    choices: [{
      message: {
        content: "Hi",
        reasoning_content: "Think",
        reasoning_details: [
          { type: "reasoning.text", text: "Think", signature: "sig", format: fmt, index: 0 },
          { type: "reasoning.encrypted", data: "gem-sig", format: "google-gemini-v1", index: 1 },
        ],
      },
      finish_reason: "stop",
    }],
  }, "alias");
  assert.deepEqual(out.content, [
    { type: "thinking", thinking: "Think", signature: "sig" },
    { type: "text", text: "Hi" },
  ]);
});

Deno.test("chatCompletionToMessage() shows DeepSeek's reasoning unsigned (openai_deepseek_reasoning.json)", () => {
  const out = chatCompletionToMessage(fixtureJson("openai_deepseek_reasoning.json"), "alias");
  assert.deepEqual(out.content[0], {
    type: "thinking",
    thinking: "Compare 9.11 and 9.8: the tenths digit 1 is less than 8, so 9.11 < 9.8.",
    signature: "",
  });
});
