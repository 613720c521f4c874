import assert from "node:assert/strict";
import type { ChatMessage } from "../openai.ts";
import { jsonFixture, sseFixture } from "./_fixtures.ts";
import { geminiToChat } from "./chat_response.ts";
import { messagesToContents } from "./contents.ts";
import { createStreamState, geminiChunkToChat } from "./stream.ts";
import { callIdMaker } from "./tool_calls.ts";

type Candidates = { candidates: { content: { parts: unknown } }[] };

Deno.test("geminiToChat() surfaces thoughts as reasoning_content and signed details (generate_content_thinking_call.json)", async () => {
  const body = await jsonFixture("generate_content_thinking_call.json");
  const completion = geminiToChat(body, { model: "m", nextCallId: callIdMaker("r1") });
  const message = completion.choices[0].message;
  assert.match(message.reasoning_content ?? "", /^\*\*Checking the flight\*\*/);
  const callId = message.tool_calls?.[0].id;
  assert.deepEqual(message.reasoning_details, [
    {
      type: "reasoning.text",
      text: message.reasoning_content,
      format: "google-gemini-v1",
      index: 0,
    },
    {
      type: "reasoning.encrypted",
      data: "CtMDAVSoXO4tZ/Dfmu5u81kRnqw9UWCRBFgqr3cCEWm0qCnoWaLN7jWa4TjE4r1kC3QRu+6KHE+5+1kw==",
      id: callId,
      format: "google-gemini-v1",
      index: 1,
    },
  ]);
  assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 1024);
  assert.equal(completion.usage?.completion_tokens_details?.reasoning_tokens, 120);
});

Deno.test("messagesToContents() replays a Gemini turn's parts byte for byte from its details, even with bare tool calls", async () => {
  for (
    const name of ["generate_content_thinking_call.json", "generate_content_thinking_text.json"]
  ) {
    const body = await jsonFixture(name);
    const message = geminiToChat(body, { model: "m", nextCallId: callIdMaker("r1") }).choices[0]
      .message;
    // Clients that rebuild tool calls from id, name and arguments only still replay exactly.
    const bare = {
      ...message,
      tool_calls: message.tool_calls?.map(({ id, type, function: f }) => ({
        id,
        type,
        function: f,
      })),
    } as ChatMessage;
    const { contents } = messagesToContents([{ role: "user", content: "q" }, bare]);
    assert.equal(contents[1].role, "model");
    assert.equal(
      JSON.stringify(contents[1].parts),
      JSON.stringify((body as unknown as Candidates).candidates[0].content.parts),
      name,
    );
  }
});

Deno.test("messagesToContents() drops other families' reasoning for Gemini", () => {
  const { contents } = messagesToContents([
    { role: "user", content: "q" },
    {
      role: "assistant",
      content: "a",
      reasoning_content: "Claude thought",
      reasoning_details: [
        { type: "reasoning.text", text: "t", signature: "s", format: "anthropic-claude-v1" },
      ],
    },
  ]);
  assert.deepEqual(contents[1], { role: "model", parts: [{ text: "a" }] });
});

Deno.test("geminiChunkToChat() numbers thought fragments so they join into one thought (stream_thoughts.sse)", async () => {
  const state = createStreamState({ model: "m", requestId: "r1" });
  const chunks = (await sseFixture("stream_thoughts.sse")).flatMap((d) =>
    geminiChunkToChat(d, state)
  );
  const deltas = chunks.map((c) => c.choices[0]?.delta ?? {});
  assert.equal(
    deltas.map((d) => d.reasoning_content ?? "").join(""),
    "**Comparing decimals**\n\nTenths digit: 1 is less than 8.",
  );
  assert.equal(deltas.map((d) => d.content ?? "").join(""), "9.11 is smaller than 9.8.");
  const details = deltas.flatMap((d) => (d.reasoning_details ?? []) as Record<string, unknown>[]);
  assert.deepEqual(details.map((d) => [d.type, d.index]), [
    ["reasoning.text", 0],
    ["reasoning.text", 0],
    ["reasoning.encrypted", 1],
  ]);
  assert.equal(details[2].data, "EqUDCqIDAdHtim9sTr34mS1gn4tur3==");
});
