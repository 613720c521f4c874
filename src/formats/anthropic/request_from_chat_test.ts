import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import { chatToMessagesRequest } from "./request_from_chat.ts";

const OPTIONS = { model: "claude-x", defaultMaxTokens: 4096, stream: false };
const convert = (body: Omit<ChatCompletionRequest, "model">, options = OPTIONS) =>
  chatToMessagesRequest({ model: "gpt", ...body } as ChatCompletionRequest, options);

Deno.test("chatToMessagesRequest() moves system and developer messages to system", () => {
  const out = convert({
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "developer", content: [{ type: "text", text: "No emoji." }] },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Again" },
    ],
  });
  assert.equal(out.system, "Be brief.\n\nNo emoji.");
  assert.equal(out.model, "claude-x");
  assert.deepEqual(out.messages, [
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello" },
    { role: "user", content: "Again" },
  ]);
  assert.equal(out.max_tokens, 4096);
  assert.equal(out.stream, undefined);
});

Deno.test("chatToMessagesRequest() turns tool calls into tool_use and merges consecutive tool results", () => {
  const out = convert({
    messages: [
      { role: "user", content: "Weather and time in Paris?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "weather", arguments: '{"city":"Paris"}' },
          },
          { id: "functions.time:1", type: "function", function: { name: "time", arguments: "" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "15C" },
      { role: "tool", tool_call_id: "functions.time:1", content: [{ type: "text", text: "noon" }] },
      { role: "user", content: "Thanks" },
    ],
  });
  assert.deepEqual(out.messages, [
    { role: "user", content: "Weather and time in Paris?" },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } },
        { type: "tool_use", id: "functions_time_1", name: "time", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "call_1", content: "15C" },
        {
          type: "tool_result",
          tool_use_id: "functions_time_1",
          content: [{ type: "text", text: "noon" }],
        },
        { type: "text", text: "Thanks" },
      ],
    },
  ]);
});

Deno.test("chatToMessagesRequest() rejects tool-call arguments that are not JSON, naming the field", () => {
  assert.throws(
    () =>
      convert({
        messages: [
          { role: "user", content: "x" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{
              id: "c",
              type: "function",
              function: { name: "f", arguments: "{oops" },
            }],
          },
        ],
      }),
    (error: unknown) =>
      error instanceof ConversionError && error.status === 400 &&
      error.param === "messages[1].tool_calls[0].function.arguments" &&
      /not valid JSON/.test(error.message),
  );
});

Deno.test("chatToMessagesRequest() maps data URLs to base64 sources and http URLs to url sources", () => {
  const out = convert({
    messages: [{
      role: "user",
      content: [
        { type: "text", text: "Compare" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        { type: "image_url", image_url: { url: "https://example.com/a.jpg", detail: "high" } },
        { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=" } },
      ],
    }],
  });
  assert.deepEqual(out.messages[0].content, [
    { type: "text", text: "Compare" },
    { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
    { type: "image", source: { type: "url", url: "https://example.com/a.jpg" } },
    {
      type: "document",
      source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
    },
  ]);
  assert.throws(
    () => convert({ messages: [{ role: "user", content: [{ type: "input_audio" }] }] }),
    /Content part type "input_audio" cannot be sent to Anthropic/,
  );
});

Deno.test("chatToMessagesRequest() maps tools and every tool_choice form", () => {
  const tools = [{
    type: "function",
    function: { name: "f", description: "does f", parameters: { type: "object", properties: {} } },
  }];
  const messages = [{ role: "user" as const, content: "x" }];
  const choice = (tool_choice: unknown, parallel?: boolean) =>
    convert({ messages, tools, tool_choice, parallel_tool_calls: parallel } as never).tool_choice;
  assert.deepEqual(convert({ messages, tools }).tools, [
    { name: "f", description: "does f", input_schema: { type: "object", properties: {} } },
  ]);
  assert.equal(choice(undefined), undefined);
  assert.equal(choice("auto"), undefined);
  assert.deepEqual(choice("required"), { type: "any" });
  assert.deepEqual(choice("none"), { type: "none" });
  assert.deepEqual(choice({ type: "function", function: { name: "f" } }), {
    type: "tool",
    name: "f",
  });
  assert.deepEqual(choice("required", false), { type: "any", disable_parallel_tool_use: true });
  assert.deepEqual(choice(undefined, false), { type: "auto", disable_parallel_tool_use: true });
  assert.throws(
    () => convert({ messages, tools: [{ type: "web_search" }] }),
    /Tool type "web_search"/,
  );
});

Deno.test("chatToMessagesRequest() takes max_completion_tokens, then max_tokens, then the default", () => {
  const messages = [{ role: "user" as const, content: "x" }];
  assert.equal(convert({ messages, max_tokens: 10, max_completion_tokens: 20 }).max_tokens, 20);
  assert.equal(convert({ messages, max_tokens: 10 }).max_tokens, 10);
  assert.equal(convert({ messages }, { ...OPTIONS, defaultMaxTokens: 77 }).max_tokens, 77);
});

Deno.test("chatToMessagesRequest() maps stop, user, sampling and stream", () => {
  const out = convert({
    messages: [{ role: "user", content: "x" }],
    stop: "END",
    user: "u-1",
    temperature: 1.7,
    top_p: 0.9,
  } as never, { ...OPTIONS, stream: true });
  assert.deepEqual(out.stop_sequences, ["END"]);
  assert.deepEqual(out.metadata, { user_id: "u-1" });
  assert.equal(out.temperature, 1, "clamped to Anthropic's maximum");
  assert.equal(out.top_p, 0.9);
  assert.equal(out.stream, true);
  assert.equal("user" in out, false, "OpenAI-only fields are not copied");
});

Deno.test("chatToMessagesRequest() turns response_format into a system instruction", () => {
  const json = convert({
    messages: [{ role: "system", content: "Base." }, { role: "user", content: "x" }],
    response_format: { type: "json_object" },
  });
  assert.match(String(json.system), /^Base\.\n\nRespond with a single valid JSON object/);
  const schema = convert({
    messages: [{ role: "user", content: "x" }],
    response_format: {
      type: "json_schema",
      json_schema: { name: "answer", schema: { type: "object", required: ["a"] } },
    },
  });
  assert.match(
    String(schema.system),
    /JSON Schema \("answer"\):\n\{"type":"object","required":\["a"\]\}/,
  );
});

Deno.test("chatToMessagesRequest() refuses n > 1 and requests without turns", () => {
  assert.throws(
    () => convert({ messages: [{ role: "user", content: "x" }], n: 2 }),
    /"n" must be 1/,
  );
  assert.throws(
    () => convert({ messages: [{ role: "system", content: "only" }] }),
    /at least one user or assistant message/,
  );
});

Deno.test("chatToMessagesRequest() keeps cache_control on parts, messages, system and tools", () => {
  const cache = { type: "ephemeral" };
  const out = convert({
    messages: [
      { role: "system", content: [{ type: "text", text: "Long rules", cache_control: cache }] },
      { role: "user", content: "Question", cache_control: { type: "ephemeral", ttl: "1h" } },
    ],
    tools: [{
      type: "function",
      function: { name: "f", parameters: { type: "object" } },
      cache_control: cache,
    }],
  });
  assert.deepEqual(out.system, [{ type: "text", text: "Long rules", cache_control: cache }]);
  assert.deepEqual(out.messages, [{
    role: "user",
    content: [{ type: "text", text: "Question", cache_control: { type: "ephemeral", ttl: "1h" } }],
  }]);
  assert.deepEqual(out.tools?.[0].cache_control, cache);
});

Deno.test("chatToMessagesRequest() replays Claude's signed thinking first and drops other families'", () => {
  const out = convert({
    messages: [
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: null,
        reasoning_content: "Call the tool.",
        reasoning_details: [
          {
            type: "reasoning.text",
            text: "Call the tool.",
            signature: "sig",
            format: "anthropic-claude-v1",
            index: 0,
          },
          {
            type: "reasoning.encrypted",
            data: "gem",
            id: "call_1",
            format: "google-gemini-v1",
            index: 1,
          },
        ],
        tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "15C" },
    ],
  });
  assert.deepEqual(out.messages[1].content, [
    { type: "thinking", thinking: "Call the tool.", signature: "sig" },
    { type: "tool_use", id: "call_1", name: "w", input: {} },
  ]);
});

Deno.test("chatToMessagesRequest() refuses logprobs and audio, and sets thinking from reasoning_effort", () => {
  const base = { messages: [{ role: "user" as const, content: "q" }] };
  for (
    const [extra, param] of [
      [{ logprobs: true }, "logprobs"],
      [{ top_logprobs: 2 }, "top_logprobs"],
      [{ modalities: ["text", "audio"] }, "modalities"],
    ] as const
  ) {
    assert.throws(
      () => convert({ ...base, ...extra }),
      (e: unknown) => e instanceof ConversionError && e.param === param,
    );
  }
  const out = convert({ ...base, reasoning_effort: "medium" });
  assert.deepEqual(out.thinking, { type: "enabled", budget_tokens: 8192 });
  assert.equal(out.max_tokens, 8192 + 4096);
});
