import assert from "node:assert/strict";
import { fixtureEvents, payloads } from "../../../test/fixtures/anthropic/_load.ts";
import type { SseEvent } from "../../sse/event.ts";
import { UpstreamError } from "../../errors.ts";
import { chatEventToAnthropic, createChatStreamState, endChatStream } from "./stream_from_chat.ts";

function convert(events: SseEvent[], model = "alias") {
  const state = createChatStreamState(model, 50);
  const out = events.flatMap((e) => chatEventToAnthropic(e, state));
  out.push(...endChatStream(state));
  return out;
}

Deno.test("chatEventToAnthropic() emits Anthropic's exact event sequence (openai_stream_tool_calls.txt)", async () => {
  const out = convert(await fixtureEvents("openai_stream_tool_calls.txt"));
  assert.deepEqual(out.map((e) => e.event), [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  const data = payloads(out) as Record<string, unknown>[];
  assert.ok(out.every((e, i) => e.event === data[i].type), "event names match their data");
  assert.deepEqual(data[0], {
    type: "message_start",
    message: {
      id: "msg_chatcmpl-123",
      type: "message",
      role: "assistant",
      model: "gpt-4o-mini",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 50, output_tokens: 0 },
    },
  });
  assert.deepEqual(data[1], {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  });
  assert.deepEqual(data[2], {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "Checking" },
  });
  assert.deepEqual(data[4], {
    type: "content_block_start",
    index: 1,
    content_block: { type: "tool_use", id: "call_abc123", name: "get_weather", input: {} },
  });
  const json = [data[5], data[6]].map((d) => (d.delta as { partial_json: string }).partial_json);
  assert.deepEqual(JSON.parse(json.join("")), { location: "Paris" });
  assert.deepEqual(data[9], {
    type: "content_block_delta",
    index: 2,
    delta: { type: "input_json_delta", partial_json: "{}" },
  });
  assert.deepEqual(data[11], {
    type: "message_delta",
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: {
      input_tokens: 18,
      output_tokens: 17,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 64,
    },
  });
});

Deno.test("chatEventToAnthropic() opens a thinking block for reasoning_content", () => {
  const chunk = (delta: unknown, finish: string | null = null) => ({
    data: JSON.stringify({
      id: "c",
      model: "r1",
      choices: [{ index: 0, delta, finish_reason: finish }],
    }),
  });
  const out = payloads(convert([
    chunk({ role: "assistant", reasoning_content: "think" }),
    chunk({ content: "answer" }),
    chunk({}, "stop"),
    { data: "[DONE]" },
  ])) as Record<string, unknown>[];
  assert.deepEqual(out.map((d) => d.type), [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  assert.deepEqual((out[1] as { content_block: unknown }).content_block, {
    type: "thinking",
    thinking: "",
    signature: "",
  });
  assert.deepEqual((out[2] as { delta: unknown }).delta, {
    type: "thinking_delta",
    thinking: "think",
  });
  assert.deepEqual((out[7] as { delta: unknown }).delta, {
    stop_reason: "end_turn",
    stop_sequence: null,
  });
});

Deno.test("endChatStream() reports a stream that ended without a finish reason", () => {
  const state = createChatStreamState("m");
  chatEventToAnthropic({ data: '{"choices":[{"index":0,"delta":{"content":"Hel"}}]}' }, state);
  assert.throws(
    () => endChatStream(state),
    (e: unknown) => e instanceof UpstreamError && /truncated/.test(e.message),
  );
});

Deno.test("chatEventToAnthropic() rejects bad JSON and relays in-stream error objects", () => {
  const state = createChatStreamState("m");
  assert.throws(() => chatEventToAnthropic({ data: "{not json" }, state), /not JSON/);
  assert.throws(
    () => chatEventToAnthropic({ data: '{"error":{"message":"busy","code":503}}' }, state),
    (e: unknown) => e instanceof UpstreamError && e.status === 503 && e.message === "busy",
  );
});

Deno.test("chatEventToAnthropic() rebuilds Claude's signed thinking from reasoning_details fragments", () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    data: JSON.stringify({
      id: "c",
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    }),
  });
  const fmt = "anthropic-claude-v1";
  const out = payloads(convert([
    chunk({
      reasoning_content: "Plan",
      reasoning_details: [{ type: "reasoning.text", text: "Plan", format: fmt, index: 0 }],
    }),
    chunk({
      reasoning_details: [{ type: "reasoning.text", signature: "sig-1", format: fmt, index: 0 }],
    }),
    chunk({
      reasoning_details: [{ type: "reasoning.encrypted", data: "opaque", format: fmt, index: 1 }],
    }),
    chunk({
      reasoning_details: [{
        type: "reasoning.text",
        text: "gem",
        format: "google-gemini-v1",
        index: 2,
      }],
    }),
    chunk({ content: "Done" }, "stop"),
  ])) as Record<string, unknown>[];
  const body = out.slice(1, -2).map((e) => [e.type, e.content_block ?? e.delta ?? null]);
  assert.deepEqual(body, [
    ["content_block_start", { type: "thinking", thinking: "", signature: "" }],
    ["content_block_delta", { type: "thinking_delta", thinking: "Plan" }],
    ["content_block_delta", { type: "signature_delta", signature: "sig-1" }],
    ["content_block_stop", null],
    ["content_block_start", { type: "redacted_thinking", data: "opaque" }],
    ["content_block_stop", null],
    ["content_block_start", { type: "text", text: "" }],
    ["content_block_delta", { type: "text_delta", text: "Done" }],
    ["content_block_stop", null],
  ]);
});

Deno.test("chatEventToAnthropic() turns DeepSeek's reasoning_content into an unsigned thinking block (openai_deepseek_reasoning_stream.txt)", async () => {
  const out = payloads(convert(await fixtureEvents("openai_deepseek_reasoning_stream.txt"))) as {
    type: string;
    delta?: { type: string; thinking?: string };
    content_block?: { type: string };
    usage?: Record<string, unknown>;
  }[];
  assert.deepEqual(out.filter((e) => e.content_block).map((e) => e.content_block?.type), [
    "thinking",
    "text",
  ]);
  const thinking = out.filter((e) => e.delta?.type === "thinking_delta").map((e) =>
    e.delta?.thinking
  );
  assert.equal(thinking.join(""), "Compare the tenths: 1 < 8.");
  assert.equal(out.some((e) => e.delta?.type === "signature_delta"), false);
});
