import assert from "node:assert/strict";
import type { ChatCompletionChunk } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import { sseFixture } from "./_fixtures.ts";
import { createStreamState, endGeminiStream, geminiChunkToChat } from "./stream.ts";

const state = () => createStreamState({ model: "gemini-2.5-flash", requestId: "r-1", created: 1 });

async function convert(fixture: string) {
  const s = state();
  const chunks: ChatCompletionChunk[] = [];
  for (const data of await sseFixture(fixture)) chunks.push(...geminiChunkToChat(data, s));
  chunks.push(...endGeminiStream(s));
  return chunks;
}

const isUpstreamError = (status: number, pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof UpstreamError);
  assert.equal(error.status, status);
  assert.match(error.message, pattern);
  return true;
};

Deno.test("geminiChunkToChat() streams text deltas, a finish chunk and a usage chunk", async () => {
  const chunks = await convert("stream_text.sse");
  assert.deepEqual(chunks.map((c) => c.choices[0]?.delta), [
    { role: "assistant", content: "" },
    { content: "The sky is blue" },
    { content: " because of Rayleigh scattering." },
    {},
    undefined,
  ]);
  assert.deepEqual(chunks.map((c) => c.choices[0]?.finish_reason), [
    null,
    null,
    null,
    "stop",
    undefined,
  ]);
  for (const chunk of chunks) {
    assert.equal(chunk.id, "chatcmpl-r-1");
    assert.equal(chunk.object, "chat.completion.chunk");
    assert.equal(chunk.model, "gemini-2.5-flash");
  }
  assert.deepEqual(chunks.at(-1)?.choices, []);
  assert.deepEqual(chunks.at(-1)?.usage, {
    prompt_tokens: 7,
    completion_tokens: 33,
    total_tokens: 40,
    completion_tokens_details: { reasoning_tokens: 22 },
  });
});

Deno.test("geminiChunkToChat() sends a function call as one complete tool call", async () => {
  const chunks = await convert("stream_function_call.sse");
  const deltas = chunks.map((c) => c.choices[0]?.delta);
  assert.deepEqual(deltas[0], { role: "assistant", content: "" });
  // The thought, then the call's signature as a detail naming the call it belongs to.
  assert.deepEqual(deltas[1], {
    reasoning_content: "Checking the weather.",
    reasoning_details: [{
      type: "reasoning.text",
      text: "Checking the weather.",
      format: "google-gemini-v1",
      index: 0,
    }],
  });
  const calls = deltas[3]?.tool_calls ?? [];
  assert.equal(calls.length, 1);
  assert.equal(calls[0].index, 0);
  assert.match(calls[0].id ?? "", /^call_r1_0__thought__EpsCCpgCAdHtim9_2vG-Qn7Uw$/);
  assert.deepEqual(calls[0].function, { name: "get_weather", arguments: '{"location":"Paris"}' });
  assert.deepEqual(deltas[2], {
    reasoning_details: [{
      type: "reasoning.encrypted",
      data: "EpsCCpgCAdHtim9/2vG+Qn7Uw==",
      id: calls[0].id,
      format: "google-gemini-v1",
      index: 1,
    }],
  });
  assert.equal(chunks[4].choices[0].finish_reason, "tool_calls");
  assert.equal(chunks.at(-1)?.usage?.completion_tokens, 79);
});

Deno.test("geminiChunkToChat() ends a safety stop with finish_reason content_filter", async () => {
  const s = state();
  const [first, second] = await sseFixture("stream_safety.sse");
  assert.equal(geminiChunkToChat(first, s).length, 2);
  const last = geminiChunkToChat(second, s);
  assert.deepEqual(last.map((c) => c.choices[0].finish_reason), ["content_filter"]);
  assert.deepEqual(last[0].choices[0].delta, {});
  assert.equal(endGeminiStream(s).at(-1)?.usage?.total_tokens, 13);
});

Deno.test("geminiChunkToChat() throws for a blocked prompt, an error event and bad JSON", () => {
  assert.throws(
    () => geminiChunkToChat(JSON.stringify({ promptFeedback: { blockReason: "OTHER" } }), state()),
    isUpstreamError(400, /blockReason OTHER/),
  );
  assert.throws(
    () =>
      geminiChunkToChat(
        '{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}',
        state(),
      ),
    isUpstreamError(503, /overloaded/),
  );
  assert.throws(
    () => geminiChunkToChat('{"candidates": [', state()),
    isUpstreamError(502, /not JSON/),
  );
});

Deno.test("endGeminiStream() throws when the stream ended without a finish reason", async () => {
  const s = state();
  const [first] = await sseFixture("stream_text.sse");
  geminiChunkToChat(first, s);
  assert.throws(() => endGeminiStream(s), isUpstreamError(502, /truncated/));
  assert.throws(() => endGeminiStream(state()), isUpstreamError(502, /truncated/));
});
