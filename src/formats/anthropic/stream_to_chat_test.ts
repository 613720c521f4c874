import assert from "node:assert/strict";
import { fixtureEvents, payloads } from "../../../test/fixtures/anthropic/_load.ts";
import { UpstreamError } from "../../errors.ts";
import {
  anthropicEventToChunks,
  checkAnthropicEvent,
  createAnthropicStreamState,
  endAnthropicStream,
} from "./stream_to_chat.ts";

type Chunk = {
  choices: { delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: Record<string, unknown>;
};

async function convert(name: string) {
  const state = createAnthropicStreamState(1_700_000_000);
  const out = (await fixtureEvents(name)).flatMap((e) => anthropicEventToChunks(e, state));
  out.push(...endAnthropicStream(state));
  return payloads(out) as Chunk[];
}

Deno.test("anthropicEventToChunks() converts a text stream (stream_text.txt)", async () => {
  const chunks = await convert("stream_text.txt");
  assert.deepEqual(chunks.map((c) => c.choices[0]?.delta ?? null), [
    { role: "assistant", content: "" },
    { content: "Hello" },
    { content: " there" },
    { content: "!" },
    {},
    null,
  ]);
  assert.equal(chunks[4].choices[0].finish_reason, "stop");
  const first = chunks[0] as unknown as Record<string, unknown>;
  assert.equal(first.id, "msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK");
  assert.equal(first.object, "chat.completion.chunk");
  assert.equal(first.model, "claude-3-opus-20240229");
  assert.deepEqual(chunks[5].choices, []);
  assert.deepEqual(chunks[5].usage, {
    prompt_tokens: 11,
    completion_tokens: 6,
    total_tokens: 17,
    prompt_tokens_details: { cached_tokens: 0 },
  });
});

Deno.test("anthropicEventToChunks() streams tool calls with index, id and name first (stream_tool_use.txt)", async () => {
  const chunks = await convert("stream_tool_use.txt");
  const calls = chunks.flatMap((c) =>
    (c.choices[0]?.delta.tool_calls as Record<string, unknown>[] | undefined) ?? []
  );
  assert.deepEqual(calls[0], {
    index: 0,
    id: "toolu_01NRLabsLyVHZPKxbKvkfSMn",
    type: "function",
    function: { name: "get_weather", arguments: "" },
  });
  assert.ok(calls.slice(1).every((c) => c.index === 0 && c.id === undefined));
  const args = calls.map((c) => (c.function as { arguments: string }).arguments).join("");
  assert.deepEqual(JSON.parse(args), { location: "Paris" });
  const finish = chunks.find((c) => c.choices[0]?.finish_reason);
  assert.equal(finish?.choices[0].finish_reason, "tool_calls");
  assert.equal(chunks.at(-1)?.usage?.prompt_tokens, 377);
  assert.equal(chunks.at(-1)?.usage?.completion_tokens, 65);
});

Deno.test("anthropicEventToChunks() throws an error event as UpstreamError with Anthropic's status", () => {
  const state = createAnthropicStreamState();
  const event = {
    event: "error",
    data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
  };
  assert.throws(
    () => anthropicEventToChunks(event, state),
    (e: unknown) => e instanceof UpstreamError && e.status === 529 && e.type === "overloaded_error",
  );
  assert.throws(
    () => checkAnthropicEvent(event, state),
    (e: unknown) => e instanceof UpstreamError && e.status === 529,
  );
});

Deno.test("anthropicEventToChunks() skips ping and unknown events, rejects bad JSON", () => {
  const state = createAnthropicStreamState();
  assert.deepEqual(anthropicEventToChunks({ event: "ping", data: '{"type":"ping"}' }, state), []);
  assert.deepEqual(
    anthropicEventToChunks({ event: "future", data: '{"type":"future_event","x":1}' }, state),
    [],
  );
  assert.throws(
    () =>
      anthropicEventToChunks({ event: "content_block_delta", data: '{"type":"content_bl' }, state),
    (e: unknown) => e instanceof UpstreamError && e.status === 502 && /not JSON/.test(e.message),
  );
  assert.throws(
    () => anthropicEventToChunks({ data: '{"type":"content_block_delta","delta":{}}' }, state),
    /malformed "content_block_delta"/,
  );
});

Deno.test("endAnthropicStream() reports a stream cut before message_stop", async () => {
  const state = createAnthropicStreamState();
  const events = (await fixtureEvents("stream_text.txt")).slice(0, 5);
  for (const event of events) anthropicEventToChunks(event, state);
  assert.throws(() => endAnthropicStream(state), /ended before message_stop/);
});

Deno.test("anthropicEventToChunks() streams thinking and its signature as reasoning fragments (stream_thinking.txt)", async () => {
  const state = createAnthropicStreamState(1);
  const events = await fixtureEvents("stream_thinking.txt");
  const chunks = payloads(events.flatMap((e) => anthropicEventToChunks(e, state))) as Chunk[];
  const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta));
  const reasoning = deltas.map((d) => d.reasoning_content ?? "").join("");
  assert.match(reasoning, /^I need to find the GCD.*GCD\(1071, 462\) = 21$/s);
  const fragments = deltas.flatMap((d) => (d.reasoning_details ?? []) as Record<string, unknown>[]);
  assert.equal(fragments.length, 3);
  assert.ok(fragments.every((f) => f.index === 0 && f.format === "anthropic-claude-v1"));
  assert.deepEqual(fragments[2], {
    type: "reasoning.text",
    signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds==",
    format: "anthropic-claude-v1",
    index: 0,
  });
  assert.equal(
    deltas.map((d) => d.content ?? "").join(""),
    "The greatest common divisor of 1071 and 462 is **21**.",
  );
});
