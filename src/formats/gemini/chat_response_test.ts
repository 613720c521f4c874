import assert from "node:assert/strict";
import { UpstreamError } from "../../errors.ts";
import { jsonFixture } from "./_fixtures.ts";
import { finishReasonOf, geminiToChat, usageOf } from "./chat_response.ts";
import { callIdMaker, decodeToolCallId } from "./tool_calls.ts";

const options = () => ({ model: "gemini-2.5-flash", nextCallId: callIdMaker("req-1"), created: 1 });

Deno.test("geminiToChat() converts a recorded MAX_TOKENS answer with thinking usage", async () => {
  const completion = geminiToChat(await jsonFixture("generate_content_max_tokens.json"), options());
  assert.equal(completion.id, "chatcmpl-cS4WaZXcHp7nz7IPjcjT2Ao");
  assert.equal(completion.object, "chat.completion");
  assert.equal(completion.model, "gemini-2.5-flash");
  assert.equal(completion.choices.length, 1);
  assert.match(completion.choices[0].message.content ?? "", /^The sky appears blue/);
  assert.equal(completion.choices[0].finish_reason, "length");
  assert.deepEqual(completion.usage, {
    prompt_tokens: 7,
    completion_tokens: 198,
    total_tokens: 205,
    completion_tokens_details: { reasoning_tokens: 41 },
  });
});

Deno.test("geminiToChat() converts a recorded STOP answer and ignores unknown fields", async () => {
  const completion = geminiToChat(await jsonFixture("generate_content_stop.json"), options());
  assert.equal(completion.choices[0].index, 0);
  assert.equal(completion.choices[0].finish_reason, "stop");
  assert.equal(completion.choices[0].message.role, "assistant");
  assert.match(completion.choices[0].message.content ?? "", /Beacon Rock/);
  assert.deepEqual(completion.usage, {
    prompt_tokens: 151,
    completion_tokens: 76,
    total_tokens: 227,
  });
});

Deno.test("geminiToChat() turns function calls into tool_calls and skips thoughts", async () => {
  const completion = geminiToChat(
    await jsonFixture("generate_content_function_call.json"),
    options(),
  );
  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, null);
  const calls = choice.message.tool_calls ?? [];
  assert.equal(calls.length, 2);
  assert.deepEqual(decodeToolCallId(calls[0].id), {
    id: "call_req1_0",
    signature: "CiQB0e2Kb3-qJ7u9a_Zk1x0sQm4",
  });
  assert.equal(calls[1].id, "call_req1_1");
  assert.deepEqual(calls[0].function, {
    name: "print",
    arguments: '{"text":"Hello World","color":"red"}',
  });
  assert.deepEqual(calls[0].extra_content, {
    google: { thought_signature: "CiQB0e2Kb3+qJ7u9a/Zk1x0sQm4=" },
  });
  assert.deepEqual(calls[1].function, { name: "beep", arguments: "{}" });
  assert.equal(completion.usage?.completion_tokens, 70);
});

Deno.test("geminiToChat() throws a content_filter 400 for a blocked prompt", async () => {
  const body = await jsonFixture("generate_content_prompt_blocked.json");
  assert.throws(() => geminiToChat(body, options()), (error: unknown) => {
    assert.ok(error instanceof UpstreamError);
    assert.equal(error.status, 400);
    assert.equal(error.type, "content_filter");
    assert.match(error.message, /blocked the prompt \(blockReason SAFETY\)/);
    return true;
  });
});

Deno.test("geminiToChat() maps a safety stop to content_filter with null content", () => {
  const completion = geminiToChat({
    candidates: [{ content: { role: "model" }, finishReason: "SAFETY", index: 0 }],
  }, options());
  assert.equal(completion.choices[0].finish_reason, "content_filter");
  assert.equal(completion.choices[0].message.content, null);
  assert.equal(completion.usage, undefined);
});

Deno.test("geminiToChat() rejects bodies that are not Gemini responses with a 502", () => {
  for (const body of [{ candidates: "no" }, {}, null]) {
    assert.throws(() => geminiToChat(body, options()), (error: unknown) => {
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.status, 502);
      return true;
    });
  }
});

Deno.test("finishReasonOf() maps Gemini finish reasons", () => {
  assert.equal(finishReasonOf("STOP", false), "stop");
  assert.equal(finishReasonOf("STOP", true), "tool_calls");
  assert.equal(finishReasonOf(undefined, true), "tool_calls");
  assert.equal(finishReasonOf("MAX_TOKENS", true), "length");
  for (const reason of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]) {
    assert.equal(finishReasonOf(reason, false), "content_filter");
  }
  assert.equal(finishReasonOf("OTHER", false), "stop");
});

Deno.test("usageOf() counts cached and tool-use prompt tokens", () => {
  assert.deepEqual(
    usageOf({
      promptTokenCount: 100,
      toolUsePromptTokenCount: 5,
      cachedContentTokenCount: 60,
      candidatesTokenCount: 10,
      totalTokenCount: 115,
    }),
    {
      prompt_tokens: 105,
      completion_tokens: 10,
      total_tokens: 115,
      prompt_tokens_details: { cached_tokens: 60 },
    },
  );
  assert.equal(usageOf({ totalTokenCount: 3 }), undefined);
});
