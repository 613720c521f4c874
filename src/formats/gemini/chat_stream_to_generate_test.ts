import assert from "node:assert/strict";
import { UpstreamError } from "../../errors.ts";
import { fixtureEvents } from "../../../test/fixtures/anthropic/_load.ts";
import {
  chatEventToGenerate,
  createChatStreamState,
  endChatStream,
} from "./chat_stream_to_generate.ts";
import type { GenerateContentResponse } from "./schema.ts";

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  data: JSON.stringify({
    id: "chatcmpl-9",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
  }),
});

Deno.test("chatEventToGenerate() streams text, then whole function calls with the usage", async () => {
  const state = createChatStreamState("gpt-4o-mini", false);
  const out: GenerateContentResponse[] = [];
  for (const event of await fixtureEvents("openai_stream_tool_calls.txt")) {
    for (const e of chatEventToGenerate(event, state)) out.push(JSON.parse(e.data));
  }
  assert.deepEqual(endChatStream(state), []);
  const parts = out.map((r) => r.candidates?.[0].content?.parts);
  assert.deepEqual(parts[0], [{ text: "Checking" }]);
  const last = out.at(-1)!;
  assert.equal(out.length, 2);
  assert.equal(last.candidates?.[0].finishReason, "STOP");
  assert.deepEqual(last.candidates?.[0].content?.parts, [
    { functionCall: { id: "call_abc123", name: "get_weather", args: { location: "Paris" } } },
    { functionCall: { id: "call_def456", name: "get_time", args: {} } },
  ]);
  assert.deepEqual(last.usageMetadata, {
    promptTokenCount: 82,
    candidatesTokenCount: 17,
    totalTokenCount: 99,
    cachedContentTokenCount: 64,
  });
  assert.equal(last.responseId, "chatcmpl-123");
  for (const r of out) assert.equal(r.modelVersion, "gpt-4o-mini");
});

Deno.test("chatEventToGenerate() holds the finish event until the usage chunk", () => {
  const state = createChatStreamState("m", false);
  assert.equal(chatEventToGenerate(chunk({ role: "assistant", content: "" }), state).length, 0);
  assert.equal(chatEventToGenerate(chunk({ content: "Hi" }), state).length, 1);
  assert.equal(chatEventToGenerate(chunk({}, "length"), state).length, 0, "held for usage");
  const [final] = chatEventToGenerate({
    data: JSON.stringify({
      id: "chatcmpl-9",
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  }, state);
  assert.deepEqual(JSON.parse(final.data), {
    candidates: [{ content: { role: "model", parts: [] }, index: 0, finishReason: "MAX_TOKENS" }],
    modelVersion: "m",
    responseId: "chatcmpl-9",
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
  });
  assert.deepEqual(chatEventToGenerate({ data: "[DONE]" }, state), []);
  assert.deepEqual(endChatStream(state), []);
});

Deno.test("endChatStream() sends the held finish when no usage chunk came", () => {
  const state = createChatStreamState("m", false);
  chatEventToGenerate(chunk({ content: "Hi" }, "stop"), state);
  const [held] = endChatStream(state);
  assert.equal(JSON.parse(held.data).candidates[0].finishReason, "STOP");
});

Deno.test("chatEventToGenerate() turns an error object or junk into an upstream error", () => {
  const state = createChatStreamState("m", false);
  assert.throws(
    () => chatEventToGenerate({ data: '{"error":{"message":"overloaded","code":529}}' }, state),
    (e) => e instanceof UpstreamError && e.status === 529 && /overloaded/.test(e.message),
  );
  assert.throws(
    () => chatEventToGenerate({ data: "not json" }, state),
    (e) => e instanceof UpstreamError && e.status === 502,
  );
});
