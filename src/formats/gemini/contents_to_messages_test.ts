import assert from "node:assert/strict";
import { GatewayError } from "../../errors.ts";
import { jsonFixture } from "./_fixtures.ts";
import { contentsToMessages } from "./contents_to_messages.ts";
import type { GenerateContentBody } from "./client_requests.ts";
import { snakeToCamel } from "./snake_to_camel.ts";
import { decodeToolCallId } from "./tool_calls.ts";

const rejects = (param: string) => (error: unknown) => {
  assert.ok(error instanceof GatewayError);
  assert.equal(error.status, 400);
  assert.equal(error.param, param);
  return true;
};

Deno.test("contentsToMessages() turns a call/response turn pair into tool_calls and a tool message", async () => {
  const body = snakeToCamel(
    await jsonFixture("request_function_turns.json"),
  ) as GenerateContentBody;
  const messages = contentsToMessages(body.contents, body.systemInstruction);
  assert.deepEqual(messages.map((m) => m.role), ["system", "user", "assistant", "tool"]);
  assert.equal(messages[0].content, "You are a weather bot.");
  const assistant = messages[2];
  assert.equal(assistant.content, null);
  assert.equal(assistant.reasoning_content, "I should look it up.");
  const [call] = assistant.tool_calls!;
  assert.deepEqual(assistant.reasoning_details, [
    { type: "reasoning.text", text: "I should look it up.", format: "google-gemini-v1", index: 0 },
    {
      type: "reasoning.encrypted",
      data: "CiQB0e2Kb3+qJ7u9a/Zk1x0sQm4=",
      id: call.id,
      format: "google-gemini-v1",
      index: 1,
    },
  ]);
  assert.equal(call.function.name, "get_weather");
  assert.deepEqual(JSON.parse(call.function.arguments), { location: "Paris", unit_name: "C" });
  // The signature travels with the call, both ways chat clients keep it.
  assert.deepEqual(decodeToolCallId(call.id), {
    id: "call_1_0",
    signature: "CiQB0e2Kb3-qJ7u9a_Zk1x0sQm4",
  });
  assert.deepEqual(call.extra_content, {
    google: { thought_signature: "CiQB0e2Kb3+qJ7u9a/Zk1x0sQm4=" },
  });
  assert.equal(messages[3].tool_call_id, call.id);
  assert.deepEqual(JSON.parse(messages[3].content as string), { temp_c: 21, sky: "clear" });
});

Deno.test("contentsToMessages() matches responses by id first, then by name", () => {
  const messages = contentsToMessages([
    { role: "user", parts: [{ text: "Two lookups" }] },
    {
      role: "model",
      parts: [
        { functionCall: { id: "a", name: "look", args: { q: 1 } } },
        { functionCall: { id: "b", name: "look", args: { q: 2 } } },
      ],
    },
    {
      role: "user",
      parts: [
        { functionResponse: { id: "b", name: "look", response: { r: 2 } } },
        { functionResponse: { name: "look", response: { r: 1 } } },
        { text: "Thanks" },
      ],
    },
  ]);
  assert.deepEqual(
    messages.slice(2).map((m) => [m.role, m.tool_call_id, m.content]),
    [
      ["tool", "b", '{"r":2}'],
      ["tool", "a", '{"r":1}'],
      ["user", undefined, "Thanks"],
    ],
  );
});

Deno.test("contentsToMessages() carries images, PDFs and WAV audio as chat parts", async () => {
  const body = snakeToCamel(await jsonFixture("request_image.json")) as GenerateContentBody;
  const image = body.contents[0].parts![0].inlineData!;
  const [message] = contentsToMessages(body.contents);
  assert.deepEqual(message.content, [
    { type: "image_url", image_url: { url: `data:image/png;base64,${image.data}` } },
    { type: "text", text: "Caption this image." },
  ]);
  const [media] = contentsToMessages([{
    role: "user",
    parts: [
      { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
      { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
      { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.jpg" } },
    ],
  }]);
  assert.deepEqual(media.content, [
    {
      type: "file",
      file: { filename: "document.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
    },
    { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
    { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
  ]);
});

Deno.test("contentsToMessages() refuses what chat cannot carry, naming the part", () => {
  assert.throws(
    () =>
      contentsToMessages([{
        role: "user",
        parts: [{ inlineData: { mimeType: "video/mp4", data: "AAAA" } }],
      }]),
    rejects("contents[0].parts[0].inlineData.mimeType"),
  );
  assert.throws(
    () =>
      contentsToMessages([{
        role: "user",
        parts: [{ functionResponse: { name: "never_called", response: {} } }],
      }]),
    rejects("contents[0].parts[0].functionResponse"),
  );
  assert.throws(
    () => contentsToMessages([{ role: "system", parts: [{ text: "x" }] }]),
    rejects("contents[0].role"),
  );
  assert.throws(
    () => contentsToMessages([{ role: "model", parts: [{ executableCode: { code: "1" } }] }]),
    rejects("contents[0].parts[0]"),
  );
});
