import assert from "node:assert/strict";
import { fixtureEvents } from "../../../test/fixtures/anthropic/_load.ts";
import { UpstreamError } from "../../errors.ts";
import type { SseEvent } from "../../sse/event.ts";
import {
  chatEventToResponses,
  createChatToEventsState,
  endChatToEvents,
  failChatToEvents,
} from "./chat_stream_to_events.ts";
import { ResponsesRequest } from "./request.ts";
import { responseShell } from "./response.ts";

const NOW = 1_741_476_542_000;
type Payload = Record<string, unknown> & { type: string; sequence_number: number };

function run(chunks: (Record<string, unknown> | string)[], end = true) {
  const shell = responseShell(ResponsesRequest.parse({ model: "m", input: "Hi" }), "m", NOW);
  const state = createChatToEventsState(shell, () => NOW);
  const out: SseEvent[] = [];
  for (const chunk of chunks) {
    const data = typeof chunk === "string" ? chunk : JSON.stringify(chunk);
    out.push(...chatEventToResponses({ data }, state));
  }
  if (end) out.push(...endChatToEvents(state));
  return { state, events: out.map((e) => ({ name: e.event, ...JSON.parse(e.data) }) as Payload) };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  model: "up",
  choices: [{ index: 0, delta, finish_reason: finish }],
});

Deno.test("chatEventToResponses() turns text and two tool calls into OpenAI's event order", async () => {
  const chunks = (await fixtureEvents("openai_stream_tool_calls.txt")).map((e) => e.data);
  const { events } = run(chunks);
  assert.deepEqual(events.map((e) => e.type), [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.delta",
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.output_item.done",
    "response.function_call_arguments.done",
    "response.output_item.done",
    "response.completed",
  ]);
  // Every event is named as its type, and numbered from 0 without gaps.
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  assert.ok(events.every((e) => e.name === e.type));
  const final = events.at(-1)!.response as Record<string, unknown> & { output: Payload[] };
  assert.equal(final.status, "completed");
  assert.equal(final.model, "gpt-4o-mini");
  assert.deepEqual(final.usage, {
    input_tokens: 82,
    input_tokens_details: { cached_tokens: 64 },
    output_tokens: 17,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 99,
  });
  assert.deepEqual(final.output.map((item) => [item.type, item.call_id, item.arguments]), [
    ["message", undefined, undefined],
    ["function_call", "call_abc123", '{"location": "Paris"}'],
    ["function_call", "call_def456", "{}"],
  ]);
  // Item-scoped events point at the item that was added at their output index.
  const added = new Map(
    events.filter((e) => e.type === "response.output_item.added")
      .map((e) => [e.output_index, (e.item as { id: string }).id]),
  );
  for (const e of events.filter((e) => "item_id" in e)) {
    assert.equal(e.item_id, added.get(e.output_index as number), e.type);
  }
  assert.equal(events[4].delta, "Checking");
  assert.equal(events[5].text, "Checking");
});

Deno.test("chatEventToResponses() streams reasoning as a reasoning item before the message", () => {
  const { events } = run([
    chunk({ role: "assistant", reasoning_content: "Think" }),
    chunk({ reasoning_content: "ing." }),
    chunk({ content: "Answer" }),
    chunk({}, "stop"),
    "[DONE]",
  ]);
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(2, 9), [
    "response.output_item.added",
    "response.content_part.added",
    "response.reasoning_text.delta",
    "response.reasoning_text.delta",
    "response.reasoning_text.done",
    "response.content_part.done",
    "response.output_item.done",
  ]);
  const done = events[8].item as Record<string, unknown>;
  assert.deepEqual(done.content, [{ type: "reasoning_text", text: "Thinking." }]);
  assert.equal(events.at(-1)!.type, "response.completed");
  assert.equal((events.at(-1)!.response as { model: string }).model, "up");
});

Deno.test("chatEventToResponses() shows signed reasoning text once and carries the signature", () => {
  const { events } = run([
    chunk({
      reasoning_details: [{
        type: "reasoning.text",
        text: "Hm",
        format: "anthropic-claude-v1",
        index: 0,
      }],
    }),
    chunk({
      reasoning_details: [{
        type: "reasoning.text",
        text: "",
        signature: "sig",
        format: "anthropic-claude-v1",
        index: 0,
      }],
    }),
    chunk({ content: "Ok" }, "stop"),
  ]);
  const deltas = events.filter((e) => e.type === "response.reasoning_text.delta");
  assert.deepEqual(deltas.map((e) => e.delta), ["Hm"]);
  const reasoning = (events.at(-1)!.response as { output: Record<string, unknown>[] }).output[0];
  assert.match(String(reasoning.encrypted_content), /^sluice\.rd1\./);
});

Deno.test("endChatToEvents() ends with response.incomplete when the answer was cut by length", () => {
  const { events } = run([chunk({ content: "Once upon" }, "length")]);
  const last = events.at(-1)!;
  assert.equal(last.type, "response.incomplete");
  const response = last.response as Record<string, unknown> & { output: Payload[] };
  assert.deepEqual(response.incomplete_details, { reason: "max_output_tokens" });
  assert.equal(response.output[0].status, "incomplete");
  const itemDone = events.find((e) => e.type === "response.output_item.done")!;
  assert.equal((itemDone.item as { status: string }).status, "incomplete");
});

Deno.test("endChatToEvents() refuses a stream cut before its finish reason", () => {
  const { state } = run([chunk({ content: "Hel" })], false);
  assert.throws(() => endChatToEvents(state), UpstreamError);
});

Deno.test("chatEventToResponses() raises an upstream error event and bad JSON", () => {
  const { state } = run([chunk({ content: "Hel" })], false);
  assert.throws(
    () => chatEventToResponses({ data: '{"error":{"message":"overloaded","code":529}}' }, state),
    (e: unknown) => e instanceof UpstreamError && e.message === "overloaded",
  );
  assert.throws(() => chatEventToResponses({ data: "{bad" }, state), UpstreamError);
});

Deno.test("failChatToEvents() ends a broken stream with response.failed and the output so far", () => {
  const { state, events } = run([chunk({ content: "Hel" })], false);
  const failed = JSON.parse(failChatToEvents(state, "Upstream stream failed").data);
  assert.equal(failed.type, "response.failed");
  assert.equal(failed.sequence_number, events.length);
  assert.equal(failed.response.status, "failed");
  assert.deepEqual(failed.response.error, {
    code: "server_error",
    message: "Upstream stream failed",
  });
  assert.equal(failed.response.output[0].content[0].text, "Hel");
  assert.deepEqual(chatEventToResponses({ data: "[DONE]" }, state), []);
});
