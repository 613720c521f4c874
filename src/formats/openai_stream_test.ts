import assert from "node:assert/strict";
import { answerToChunks, chunksToAnswer } from "./openai_stream.ts";

const answer = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [{
    index: 0,
    message: {
      role: "assistant",
      content: null,
      tool_calls: [{
        id: "call_1",
        type: "function",
        function: { name: "f", arguments: '{"a":1}' },
      }],
    },
    finish_reason: "tool_calls",
    logprobs: null,
  }],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
};

Deno.test("answerToChunks() streams role, tool calls, finish and usage", () => {
  const chunks = answerToChunks(answer);
  assert.equal(chunks.length, 4);
  assert.deepEqual(chunks[0].choices, [{
    index: 0,
    delta: { role: "assistant", content: "" },
    finish_reason: null,
  }]);
  assert.equal(chunks[0].object, "chat.completion.chunk");
  assert.deepEqual(chunks[2].choices, [{ index: 0, delta: {}, finish_reason: "tool_calls" }]);
  assert.deepEqual(chunks[3], {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [],
    usage: answer.usage,
  });
});

Deno.test("chunksToAnswer() inverts answerToChunks()", () => {
  assert.deepEqual(chunksToAnswer(answerToChunks(answer)), answer);
});

Deno.test("chunksToAnswer() joins content and split tool call arguments", () => {
  const base = { id: "x", object: "chat.completion.chunk", created: 2, model: "m" };
  const folded = chunksToAnswer([
    {
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "Hel" }, finish_reason: null }],
    },
    { ...base, choices: [{ index: 0, delta: { content: "lo" }, finish_reason: null }] },
    {
      ...base,
      choices: [{
        index: 0,
        delta: {
          tool_calls: [{
            index: 0,
            id: "c",
            type: "function",
            function: { name: "f", arguments: '{"a"' },
          }],
        },
        finish_reason: null,
      }],
    },
    {
      ...base,
      choices: [{
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: ":2}" } }] },
        finish_reason: "tool_calls",
      }],
    },
  ]);
  const message = (folded.choices as { message: Record<string, unknown> }[])[0].message;
  assert.equal(message.content, "Hello");
  assert.deepEqual(message.tool_calls, [{
    id: "c",
    type: "function",
    function: { name: "f", arguments: '{"a":2}' },
  }]);
});

Deno.test("answerToChunks() and chunksToAnswer() handle legacy text completions", () => {
  const text = {
    id: "cmpl",
    object: "text_completion",
    created: 1,
    model: "m",
    choices: [{ index: 0, text: "hi", finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
  assert.deepEqual(chunksToAnswer(answerToChunks(text)), text);
});
