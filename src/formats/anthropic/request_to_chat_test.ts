import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import { ConversionError } from "./errors.ts";
import { MessagesRequest } from "./request.ts";
import { messagesToChatRequest } from "./request_to_chat.ts";

const request = (body: Record<string, unknown>) =>
  MessagesRequest.parse({ model: "m", max_tokens: 100, ...body });

Deno.test("messagesToChatRequest() converts a multi-turn tool conversation (request_tools.json)", () => {
  const out = messagesToChatRequest(MessagesRequest.parse(fixtureJson("request_tools.json")));
  assert.deepEqual(out, {
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [
      { role: "system", content: "You are a weather bot." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is the weather here?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/sky.jpg" } },
        ],
      },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [
          {
            id: "toolu_01A09q90qw90lq917835lq9",
            type: "function",
            function: { name: "get_weather", arguments: '{"location":"Paris"}' },
          },
          {
            id: "toolu_01B",
            type: "function",
            function: { name: "get_time", arguments: '{"timezone":"Europe/Paris"}' },
          },
        ],
        // Claude's signed thinking, kept for a replay to an Anthropic-family channel.
        reasoning_details: [{
          type: "reasoning.text",
          text: "The user wants weather.",
          signature: "EqQBCgIYAhIM",
          format: "anthropic-claude-v1",
          index: 0,
        }],
      },
      { role: "tool", tool_call_id: "toolu_01A09q90qw90lq917835lq9", content: "15 degrees" },
      { role: "tool", tool_call_id: "toolu_01B", content: "Error: no clock" },
      { role: "user", content: "Thanks, summarise." },
    ],
    temperature: 0.5,
    stop: ["\n\nHuman:"],
    user: "user-42",
    tools: [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Get the current weather in a given location",
          parameters: {
            type: "object",
            properties: { location: { type: "string" } },
            required: ["location"],
          },
        },
      },
      {
        type: "function",
        function: {
          name: "get_time",
          parameters: { type: "object", properties: { timezone: { type: "string" } } },
        },
      },
    ],
    tool_choice: "required",
    parallel_tool_calls: false,
  });
});

Deno.test("messagesToChatRequest() maps tool_choice auto, tool and none", () => {
  const tools = [{ name: "f", input_schema: { type: "object" } }];
  const choice = (tool_choice: unknown) => {
    const out = messagesToChatRequest(
      request({ messages: [{ role: "user", content: "x" }], tools, tool_choice }),
    );
    return [out.tool_choice, out.parallel_tool_calls];
  };
  assert.deepEqual(choice({ type: "auto" }), ["auto", undefined]);
  assert.deepEqual(choice({ type: "tool", name: "f" }), [{
    type: "function",
    function: { name: "f" },
  }, undefined]);
  assert.deepEqual(choice({ type: "none" }), ["none", undefined]);
  assert.deepEqual(choice(undefined), [undefined, undefined]);
});

Deno.test("messagesToChatRequest() puts tool-result images in a user message after the tool message", () => {
  const out = messagesToChatRequest(request({
    messages: [{
      role: "user",
      content: [{
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "text", text: "screenshot:" },
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } },
        ],
      }],
    }],
  }));
  assert.deepEqual(out.messages, [
    { role: "tool", tool_call_id: "t1", content: "screenshot:" },
    {
      role: "user",
      content: [{ type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } }],
    },
  ]);
});

Deno.test("messagesToChatRequest() refuses server tools and unknown blocks, naming the field", () => {
  assert.throws(
    () =>
      messagesToChatRequest(request({
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "web_search_20250305", name: "web_search" }],
      })),
    (error: unknown) =>
      error instanceof ConversionError && error.param === "tools[0]" &&
      /server tool/.test(error.message),
  );
  assert.throws(
    () =>
      messagesToChatRequest(request({
        messages: [{ role: "user", content: [{ type: "search_result", source: "x" }] }],
      })),
    (error: unknown) =>
      error instanceof ConversionError && error.param === "messages[0].content[0].type",
  );
});

Deno.test("MessagesRequest accepts unknown block types and rejects broken known ones", () => {
  assert.equal(
    MessagesRequest.safeParse({
      model: "m",
      max_tokens: 1,
      messages: [{ role: "user", content: [{ type: "container_upload", file_id: "f" }] }],
    }).success,
    true,
  );
  assert.equal(
    MessagesRequest.safeParse({
      model: "m",
      max_tokens: 1,
      messages: [{ role: "user", content: [{ type: "text" }] }],
    }).success,
    false,
  );
  assert.equal(MessagesRequest.safeParse({ model: "m", messages: [] }).success, false);
});

Deno.test("messagesToChatRequest() maps thinking to reasoning_effort and unsigned thinking to reasoning_content", () => {
  const out = messagesToChatRequest(request({
    thinking: { type: "enabled", budget_tokens: 6000 },
    messages: [
      { role: "user", content: "q" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "DeepSeek thought", signature: "" },
          { type: "text", text: "a" },
        ],
      },
      { role: "user", content: "again" },
    ],
  }));
  assert.equal(out.reasoning_effort, "medium");
  assert.deepEqual(out.messages[1], {
    role: "assistant",
    content: "a",
    reasoning_content: "DeepSeek thought",
  });
});
