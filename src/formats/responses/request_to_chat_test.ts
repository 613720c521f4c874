import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/responses/_load.ts";
import { ConversionError } from "./errors.ts";
import { itemsById, normalizeInput } from "./input_items.ts";
import { reasoningFromChat } from "./reasoning.ts";
import { requestToChat } from "./request_to_chat.ts";
import { ResponsesRequest } from "./request.ts";

const convert = (body: Record<string, unknown>, history: Record<string, unknown>[] = []) => {
  const request = ResponsesRequest.parse(body);
  const items = [...history, ...normalizeInput(request.input)];
  return requestToChat(request, items, itemsById(items));
};

/** The ConversionError `run` throws. */
function conversionError(run: () => unknown): ConversionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConversionError) return error;
    throw error;
  }
  throw new Error("Expected a ConversionError");
}

Deno.test("requestToChat() converts every field of request_items.json", () => {
  const chat = convert(fixtureJson("request_items.json"));
  assert.deepEqual(chat, {
    model: "gpt-4.1",
    messages: [
      { role: "system", content: "You are a helpful travel assistant." },
      { role: "system", content: "Answer in English." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image, and what is the weather there?" },
          {
            type: "image_url",
            image_url: {
              url:
                "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg",
              detail: "auto",
            },
          },
          {
            type: "file",
            file: {
              file_data: "data:application/pdf;base64,JVBERi0xLjQK",
              filename: "itinerary.pdf",
            },
          },
        ],
      },
      {
        role: "assistant",
        content: "A boardwalk in Madison.",
        reasoning_content: "**Finding the weather**",
        reasoning_details: [
          {
            type: "reasoning.summary",
            summary: "**Finding the weather**",
            format: "openai-responses-v1",
          },
          {
            type: "reasoning.encrypted",
            data: "gAAAAABodm8C-opaque",
            id: "rs_6876cf02e0bc8192b74af0fb64b715ff06fa2fcced15a5ac",
            format: "openai-responses-v1",
          },
        ],
        tool_calls: [{
          id: "call_12345xyz",
          type: "function",
          function: { name: "get_weather", arguments: '{"location":"Madison, WI"}' },
        }],
      },
      { role: "tool", tool_call_id: "call_12345xyz", content: '{"temperature": 21}' },
    ],
    max_tokens: 1024,
    temperature: 0.2,
    parallel_tool_calls: false,
    tools: [{
      type: "function",
      function: {
        name: "get_weather",
        description: "Get current temperature for a given location.",
        parameters: {
          type: "object",
          properties: { location: { type: "string" } },
          required: ["location"],
          additionalProperties: false,
        },
        strict: true,
      },
    }],
    tool_choice: "auto",
    response_format: {
      type: "json_schema",
      json_schema: {
        name: "answer",
        schema: {
          type: "object",
          properties: { summary: { type: "string" } },
          required: ["summary"],
          additionalProperties: false,
        },
        strict: true,
      },
    },
    reasoning_effort: "low",
  });
});

Deno.test("requestToChat() takes a string input and a named tool choice", () => {
  const chat = convert({
    model: "m",
    input: "Hi",
    tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
    tool_choice: { type: "function", name: "f" },
    text: { format: { type: "json_object" }, verbosity: "low" },
  });
  assert.deepEqual(chat.messages, [{ role: "user", content: "Hi" }]);
  assert.deepEqual(chat.tool_choice, { type: "function", function: { name: "f" } });
  assert.deepEqual(chat.response_format, { type: "json_object" });
  assert.equal(chat.verbosity, "low");
});

Deno.test("requestToChat() refuses what chat cannot honour, naming the field", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ tools: [{ type: "web_search" }] }, "tools[0].type"],
    [{ tool_choice: { type: "web_search_preview" } }, "tool_choice.type"],
    [{ background: true }, "background"],
    [{ conversation: "conv_1" }, "conversation"],
    [
      { input: [{ role: "user", content: [{ type: "input_file", file_url: "https://x/y.pdf" }] }] },
      "input[0].content[0].file_url",
    ],
    [
      { input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] },
      "input[0].content[0].image_url",
    ],
    [{ input: [{ type: "web_search_call", id: "ws_1", status: "completed" }] }, "input[0].type"],
    [{ input: [{ type: "function_call_output", output: "x" }] }, "input[0].call_id"],
    [{ input: [{ type: "item_reference", id: "msg_missing" }] }, "input[0].id"],
    [{ text: { format: { type: "json_schema", name: "x" } } }, "text.format.schema"],
  ];
  for (const [extra, param] of cases) {
    const error = conversionError(() => convert({ model: "m", input: "Hi", ...extra }));
    assert.equal(error.param, param, JSON.stringify(extra));
  }
});

Deno.test("requestToChat() expands a stored conversation and resolves item references", () => {
  const history = normalizeInput([
    { role: "user", content: "What is 2+2?" },
    {
      type: "message",
      role: "assistant",
      id: "msg_a",
      content: [{ type: "output_text", text: "4" }],
    },
  ]);
  const chat = convert({
    model: "m",
    instructions: "Be terse.",
    input: [{ type: "item_reference", id: "msg_a" }, { role: "user", content: "And 3+3?" }],
  }, history);
  assert.deepEqual(chat.messages, [
    { role: "system", content: "Be terse." },
    { role: "user", content: "What is 2+2?" },
    { role: "assistant", content: "4" },
    { role: "assistant", content: "4" },
    { role: "user", content: "And 3+3?" },
  ]);
});

Deno.test("requestToChat() returns another family's signed reasoning as it came", () => {
  const details = [
    {
      type: "reasoning.text",
      text: "Let me think.",
      signature: "sig-1",
      format: "anthropic-claude-v1",
    },
  ];
  const fields = reasoningFromChat("Let me think.", details as never)!;
  const chat = convert({
    model: "m",
    input: [
      {
        type: "reasoning",
        id: "rs_1",
        summary: [],
        content: [{ type: "reasoning_text", text: fields.text }],
        encrypted_content: fields.encrypted_content,
      },
      { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: [{ type: "input_text", text: "ok" }] },
    ],
  });
  assert.deepEqual(chat.messages[0], {
    role: "assistant",
    content: null,
    reasoning_content: "Let me think.",
    reasoning_details: details,
    tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
  });
  assert.deepEqual(chat.messages[1], {
    role: "tool",
    tool_call_id: "c1",
    content: [{ type: "text", text: "ok" }],
  });
  const damaged = conversionError(() =>
    convert({
      model: "m",
      input: [{ type: "reasoning", id: "rs", summary: [], encrypted_content: "sluice.rd1.!!" }],
    })
  );
  assert.equal(damaged.param, "input[0].encrypted_content");
});
