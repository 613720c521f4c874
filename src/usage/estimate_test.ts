import assert from "node:assert/strict";
import { completeUsage, relayedText, textIn, tokenCounter } from "./estimate.ts";

const chunk = (content: string) =>
  JSON.stringify({ id: "x", object: "chat.completion.chunk", choices: [{ delta: { content } }] });

Deno.test("tokenCounter() counts with a real tokenizer", async () => {
  const count = await tokenCounter();
  assert.equal(count("Hello, world!"), 4);
});

Deno.test("textIn() collects text fields at any depth, iteratively", () => {
  const body = {
    model: "m",
    messages: [{ role: "user", content: [{ type: "text", text: "hi there" }] }],
    tools: [{ function: { name: "f", description: "ignored" } }],
  };
  assert.equal(textIn(body), "hi there");
  let deep: unknown = { content: "bottom" };
  for (let i = 0; i < 50_000; i++) deep = { content: [deep] };
  assert.equal(textIn(deep), "bottom");
});

Deno.test("relayedText() reads each dialect's streamed text once", () => {
  assert.equal(relayedText([chunk("Hel"), chunk("lo"), "[DONE]"]), "Hello");
  const anthropic = JSON.stringify({
    type: "content_block_delta",
    delta: { type: "text_delta", text: "Hi" },
  });
  assert.equal(relayedText([anthropic]), "Hi");
  const responses = [
    JSON.stringify({ type: "response.output_text.delta", delta: "Hey" }),
    JSON.stringify({ type: "response.output_text.done", text: "Hey" }),
    JSON.stringify({
      type: "response.completed",
      response: { output: [{ content: [{ text: "Hey" }] }] },
    }),
  ];
  assert.equal(relayedText(responses), "Hey");
});

Deno.test("completeUsage() keeps a whole reported usage and estimates what is missing", async () => {
  const reported = { prompt: 10, completion: 2 };
  assert.deepEqual(await completeUsage({ reported, complete: true }), reported);
  const relayed = [chunk("The quick brown fox jumps over the lazy dog.")];
  // Cut: the completion is at least what was relayed; marked estimated.
  assert.deepEqual(await completeUsage({ reported, complete: false, relayed }), {
    prompt: 10,
    completion: 10,
    estimated: true,
  });
  // Nothing reported: both estimated.
  const request = { messages: [{ role: "user", content: "Count these words please" }] };
  assert.deepEqual(await completeUsage({ complete: false, request, relayed }), {
    prompt: 4,
    completion: 10,
    estimated: true,
  });
  assert.equal(await completeUsage({ complete: false, relayed: [] }), undefined);
});
