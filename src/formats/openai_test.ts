import assert from "node:assert/strict";
import { ChatCompletionRequest, mergeReasoningDetails } from "./openai.ts";
import { answerToChunks, chunksToAnswer } from "./openai_stream.ts";

const CLAUDE = "anthropic-claude-v1";

Deno.test("mergeReasoningDetails() joins streamed fragments by index and filters by format", () => {
  const fragments = [
    { type: "reasoning.text", text: "Let ", format: CLAUDE, index: 0 },
    {
      type: "reasoning.encrypted",
      data: "sig",
      id: "call_1",
      format: "google-gemini-v1",
      index: 0,
    },
    { type: "reasoning.text", text: "me think", format: CLAUDE, index: 0 },
    { type: "reasoning.text", signature: "abc", format: CLAUDE, index: 0 },
    { type: "reasoning.encrypted", data: "redacted", format: CLAUDE, index: 1 },
    { type: "reasoning.something_new", format: CLAUDE, index: 2 },
  ];
  assert.deepEqual(mergeReasoningDetails(fragments, CLAUDE), [
    { type: "reasoning.text", text: "Let me think", signature: "abc", format: CLAUDE, index: 0 },
    { type: "reasoning.encrypted", data: "redacted", format: CLAUDE, index: 1 },
  ]);
  assert.equal(mergeReasoningDetails(fragments).length, 3);
  assert.deepEqual(mergeReasoningDetails("nope"), []);
});

Deno.test("ChatCompletionRequest accepts reasoning fields and unknown detail types", () => {
  const parsed = ChatCompletionRequest.safeParse({
    model: "m",
    reasoning_effort: "xhigh",
    prompt_cache_key: "tenant-1",
    messages: [{
      role: "assistant",
      content: "a",
      reasoning_content: "r",
      reasoning_details: [{ type: "reasoning.future", blob: 1 }],
    }],
  });
  assert.equal(parsed.success, true);
  assert.equal(
    ChatCompletionRequest.safeParse({ model: "m", messages: [], top_logprobs: 21 })
      .success,
    false,
  );
});

Deno.test("chunksToAnswer() folds reasoning_details and logprobs; answerToChunks() keeps details", () => {
  const base = { id: "c", object: "chat.completion.chunk", created: 1, model: "m" };
  const detail = (extra: Record<string, unknown>) => ({
    type: "reasoning.text",
    format: CLAUDE,
    index: 0,
    ...extra,
  });
  const answer = chunksToAnswer([
    {
      ...base,
      choices: [{
        index: 0,
        delta: { reasoning_content: "Hm", reasoning_details: [detail({ text: "Hm" })] },
      }],
    },
    {
      ...base,
      choices: [{ index: 0, delta: { reasoning_details: [detail({ signature: "s" })] } }],
    },
    {
      ...base,
      choices: [{
        index: 0,
        delta: { content: "Yes" },
        logprobs: {
          content: [{ token: "Yes", logprob: -0.1, bytes: [89, 101, 115], top_logprobs: [] }],
        },
        finish_reason: "stop",
      }],
    },
  ]) as { choices: { message: Record<string, unknown>; logprobs: unknown }[] };
  assert.deepEqual(answer.choices[0].message.reasoning_details, [
    detail({ text: "Hm", signature: "s" }),
  ]);
  assert.deepEqual(answer.choices[0].logprobs, {
    content: [{ token: "Yes", logprob: -0.1, bytes: [89, 101, 115], top_logprobs: [] }],
    refusal: null,
  });
  const again = answerToChunks(answer);
  assert.deepEqual(
    (again[0].choices as { delta: Record<string, unknown> }[])[0].delta.reasoning_details,
    [detail({ text: "Hm", signature: "s" })],
  );
});
