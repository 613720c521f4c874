import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import { chatToGemini } from "./chat_request.ts";
import { SKIP_SIGNATURE } from "./tool_calls.ts";

const req = (extra: Partial<ChatCompletionRequest>): ChatCompletionRequest => ({
  model: "gemini-2.5-flash",
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

Deno.test("chatToGemini() moves system messages to systemInstruction", () => {
  const body = chatToGemini(req({
    messages: [
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Use French." }] },
      { role: "user", content: "Hello" },
    ],
  }));
  assert.deepEqual(body.systemInstruction, {
    parts: [{ text: "Be brief." }, { text: "Use French." }],
  });
  assert.deepEqual(body.contents, [{ role: "user", parts: [{ text: "Hello" }] }]);
});

Deno.test("chatToGemini() maps roles and merges consecutive turns of one role", () => {
  const body = chatToGemini(req({
    messages: [
      { role: "user", content: "a" },
      { role: "user", content: "b" },
      { role: "assistant", content: "c" },
      { role: "assistant", content: null },
      { role: "user", content: "d" },
    ],
  }));
  assert.deepEqual(body.contents, [
    { role: "user", parts: [{ text: "a" }, { text: "b" }] },
    { role: "model", parts: [{ text: "c" }] },
    { role: "user", parts: [{ text: "d" }] },
  ]);
});

Deno.test("chatToGemini() converts data: images to inlineData and URLs to fileData", () => {
  const body = chatToGemini(req({
    messages: [{
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        { type: "image_url", image_url: { url: "https://example.com/cat.webp?x=1" } },
        { type: "image_url", image_url: { url: "https://example.com/photo" } },
        { type: "input_audio", input_audio: { data: "UklGRg==", format: "mp3" } },
      ],
    }],
  }));
  assert.deepEqual(body.contents[0].parts, [
    { text: "What is this?" },
    { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
    { fileData: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp?x=1" } },
    { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/photo" } },
    { inlineData: { mimeType: "audio/mp3", data: "UklGRg==" } },
  ]);
});

Deno.test("chatToGemini() converts tools with sanitized parameters", () => {
  const body = chatToGemini(req({
    tools: [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather by city",
          parameters: {
            $schema: "http://json-schema.org/draft-07/schema#",
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
            additionalProperties: false,
          },
        },
      },
      { type: "function", function: { name: "beep", parameters: { type: "object" } } },
    ],
    tool_choice: "required",
  }));
  assert.deepEqual(body.tools, [{
    functionDeclarations: [
      {
        name: "get_weather",
        description: "Weather by city",
        parameters: {
          type: "OBJECT",
          properties: { city: { type: "STRING" } },
          required: ["city"],
        },
      },
      { name: "beep" },
    ],
  }]);
  assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode: "ANY" } });
});

Deno.test("chatToGemini() sends JSON Schema as is with the jsonSchema option", () => {
  const parameters = {
    $schema: "x",
    type: "object",
    properties: { a: { type: ["string", "null"] } },
    additionalProperties: false,
  };
  const body = chatToGemini(
    req({
      tools: [{ type: "function", function: { name: "f", parameters } }],
      response_format: { type: "json_schema", json_schema: { name: "r", schema: parameters } },
    }),
    { jsonSchema: true },
  );
  const { $schema: _, ...rest } = parameters;
  assert.deepEqual(body.tools?.[0].functionDeclarations[0].parametersJsonSchema, rest);
  assert.deepEqual(body.generationConfig?.responseJsonSchema, rest);
  assert.equal(body.generationConfig?.responseSchema, undefined);
});

Deno.test("chatToGemini() maps tool_choice modes", () => {
  const tools = [{ type: "function", function: { name: "f" } }];
  const mode = (tool_choice: ChatCompletionRequest["tool_choice"]) =>
    chatToGemini(req({ tools, tool_choice })).toolConfig;
  assert.deepEqual(mode("auto"), { functionCallingConfig: { mode: "AUTO" } });
  assert.deepEqual(mode("none"), { functionCallingConfig: { mode: "NONE" } });
  assert.deepEqual(mode({ type: "function", function: { name: "f" } }), {
    functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] },
  });
  assert.equal(mode(undefined), undefined);
});

Deno.test("chatToGemini() replays tool calls and results as function parts", () => {
  const body = chatToGemini(req({
    messages: [
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_abc_0__thought__c2lnLWE_",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "call_abc_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_abc_0__thought__c2lnLWE_", content: '{"temp":21}' },
      { role: "tool", tool_call_id: "call_abc_1", content: "sunny" },
    ],
  }));
  assert.deepEqual(body.contents, [
    { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
    {
      role: "model",
      parts: [
        {
          functionCall: { name: "get_weather", args: { city: "Paris" } },
          thoughtSignature: "c2lnLWE_",
        },
        { functionCall: { name: "get_weather", args: { city: "Rome" } } },
      ],
    },
    {
      role: "user",
      parts: [
        { functionResponse: { name: "get_weather", response: { temp: 21 } } },
        { functionResponse: { name: "get_weather", response: { result: "sunny" } } },
      ],
    },
  ]);
});

Deno.test("chatToGemini() takes signatures from extra_content and fills missing ones", () => {
  const messages: ChatCompletionRequest["messages"] = [
    { role: "user", content: "x" },
    {
      role: "assistant",
      tool_calls: [{
        id: "call_1",
        type: "function",
        function: { name: "f", arguments: "" },
        extra_content: { google: { thought_signature: "sig==" } },
      }],
    },
    { role: "tool", tool_call_id: "call_1", content: "[1,2]" },
    {
      role: "assistant",
      tool_calls: [{ id: "toolu_9", type: "function", function: { name: "g", arguments: "{}" } }],
    },
    { role: "tool", tool_call_id: "toolu_9", content: "ok" },
  ];
  const body = chatToGemini(req({ messages }), { fillMissingSignatures: true });
  assert.deepEqual(body.contents[1].parts, [{
    functionCall: { name: "f", args: {} },
    thoughtSignature: "sig==",
  }]);
  assert.deepEqual(body.contents[2].parts, [{
    functionResponse: { name: "f", response: { result: [1, 2] } },
  }]);
  // Foreign ids are kept as Gemini call ids and matched on the response.
  assert.deepEqual(body.contents[3].parts, [{
    functionCall: { id: "toolu_9", name: "g", args: {} },
    thoughtSignature: SKIP_SIGNATURE,
  }]);
  assert.deepEqual(body.contents[4].parts, [{
    functionResponse: { id: "toolu_9", name: "g", response: { result: "ok" } },
  }]);
});

Deno.test("chatToGemini() maps sampling, length, stop and JSON mode to generationConfig", () => {
  const body = chatToGemini(
    req({
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      max_completion_tokens: 200,
      stop: "END",
      n: 2,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: "low",
      response_format: { type: "json_object" },
    }),
    { generationConfig: { topK: 40, temperature: 1 } },
  );
  assert.deepEqual(body.generationConfig, {
    topK: 40,
    temperature: 0.2,
    topP: 0.9,
    maxOutputTokens: 200,
    candidateCount: 2,
    seed: 7,
    presencePenalty: 0.5,
    frequencyPenalty: -0.5,
    stopSequences: ["END"],
    thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    responseMimeType: "application/json",
  });
});

Deno.test("chatToGemini() converts json_schema response formats to responseSchema", () => {
  const body = chatToGemini(req({
    response_format: {
      type: "json_schema",
      json_schema: {
        name: "answer",
        strict: true,
        schema: {
          type: "object",
          properties: { answer: { type: "string" } },
          required: ["answer"],
          additionalProperties: false,
        },
      },
    },
  }));
  assert.deepEqual(body.generationConfig, {
    responseMimeType: "application/json",
    responseSchema: {
      type: "OBJECT",
      properties: { answer: { type: "STRING" } },
      required: ["answer"],
    },
  });
});

Deno.test("chatToGemini() passes safety settings and omits empty config", () => {
  const safetySettings = [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }];
  const body = chatToGemini(req({}), { safetySettings });
  assert.deepEqual(body, {
    contents: [{ role: "user", parts: [{ text: "hi" }] }],
    safetySettings,
  });
});

Deno.test("chatToGemini() rejects what Gemini cannot take with a 400", () => {
  const rejects = (extra: Partial<ChatCompletionRequest>, pattern: RegExp) =>
    assert.throws(() => chatToGemini(req(extra)), (error: unknown) => {
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.status, 400);
      assert.match(error.message, pattern);
      return true;
    });
  rejects({ messages: [{ role: "system", content: "only" }] }, /at least one user/);
  rejects(
    { messages: [{ role: "tool", tool_call_id: "nope", content: "x" }] },
    /no assistant tool call has id "nope"/,
  );
  rejects({ tools: [{ type: "web_search" }] }, /tool type "web_search"/);
  rejects(
    {
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }],
    },
    /data: URL/,
  );
  rejects({
    messages: [
      { role: "user", content: "x" },
      {
        role: "assistant",
        tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{" } }],
      },
    ],
  }, /not valid JSON/);
});
