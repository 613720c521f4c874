import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import { Message } from "./response.ts";
import { chatUsage, finishReasonOf, messageToChatCompletion } from "./response_to_chat.ts";

Deno.test("messageToChatCompletion() converts a text Message with cache usage (message_text.json)", () => {
  const out = messageToChatCompletion(
    Message.parse(fixtureJson("message_text.json")),
    1_700_000_000,
  );
  assert.deepEqual(out, {
    id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "claude-sonnet-4-5-20250929",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "Hi! My name is Claude.", refusal: null },
      finish_reason: "stop",
      logprobs: null,
    }],
    usage: {
      prompt_tokens: 2095 + 1000 + 100,
      completion_tokens: 503,
      total_tokens: 2095 + 1000 + 100 + 503,
      prompt_tokens_details: { cached_tokens: 1000 },
    },
  });
});

Deno.test("messageToChatCompletion() turns tool_use blocks into tool_calls (message_tool_use.json)", () => {
  const out = messageToChatCompletion(Message.parse(fixtureJson("message_tool_use.json")), 1);
  const choice = out.choices[0];
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, "I'll check the current weather in Paris for you.");
  assert.deepEqual(choice.message.tool_calls, [{
    id: "toolu_01NRLabsLyVHZPKxbKvkfSMn",
    type: "function",
    function: { name: "get_weather", arguments: '{"location":"Paris"}' },
  }]);
  assert.equal(out.usage?.prompt_tokens, 377);
  assert.equal(out.usage?.completion_tokens, 65);
});

Deno.test("messageToChatCompletion() gives null content for tool-only answers and keeps thinking", () => {
  const out = messageToChatCompletion({
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "c",
    content: [
      { type: "thinking", thinking: "hmm", signature: "sig" },
      { type: "redacted_thinking", data: "xx" },
      { type: "tool_use", id: "t", name: "f", input: {} },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 2 },
  });
  assert.equal(out.choices[0].message.content, null);
  assert.equal(out.choices[0].message.reasoning_content, "hmm");
});

Deno.test("finishReasonOf() maps every Anthropic stop reason", () => {
  assert.equal(finishReasonOf("end_turn"), "stop");
  assert.equal(finishReasonOf("stop_sequence"), "stop");
  assert.equal(finishReasonOf("pause_turn"), "stop");
  assert.equal(finishReasonOf("max_tokens"), "length");
  assert.equal(finishReasonOf("tool_use"), "tool_calls");
  assert.equal(finishReasonOf("refusal"), "content_filter");
  assert.equal(finishReasonOf("something_new"), "stop");
  assert.equal(finishReasonOf(null), "stop");
});

Deno.test("chatUsage() counts cache reads and writes as prompt tokens", () => {
  assert.deepEqual(
    chatUsage({
      input_tokens: 5,
      output_tokens: 7,
      cache_read_input_tokens: 10,
      cache_creation_input_tokens: null,
    }),
    {
      prompt_tokens: 15,
      completion_tokens: 7,
      total_tokens: 22,
      prompt_tokens_details: { cached_tokens: 10 },
    },
  );
});

Deno.test("messageToChatCompletion() keeps thinking and redacted thinking as signed details (message_redacted_thinking.json)", () => {
  const message = Message.parse(fixtureJson("message_redacted_thinking.json"));
  const out = messageToChatCompletion(message, 1);
  const [thinking, redacted] = message.content;
  assert.equal(out.choices[0].message.reasoning_content, "Let me analyze this step by step...");
  assert.deepEqual(out.choices[0].message.reasoning_details, [
    {
      type: "reasoning.text",
      text: thinking.thinking,
      signature: thinking.signature,
      format: "anthropic-claude-v1",
      index: 0,
    },
    { type: "reasoning.encrypted", data: redacted.data, format: "anthropic-claude-v1", index: 1 },
  ]);
  assert.equal(out.choices[0].message.content, "Based on my analysis...");
});
