import assert from "node:assert/strict";
import { GatewayError } from "../../errors.ts";
import { jsonFixture } from "./_fixtures.ts";
import type { GenerateContentBody } from "./client_requests.ts";
import { generateToChat } from "./generate_to_chat.ts";
import { snakeToCamel } from "./snake_to_camel.ts";

const hi = [{ role: "user", parts: [{ text: "Hi" }] }];
const options = { model: "gpt-4o", stream: false };
const convert = (body: Record<string, unknown>) =>
  generateToChat({ contents: hi, ...body } as GenerateContentBody, options);
const rejects = (param: string) => (error: unknown) => {
  assert.ok(error instanceof GatewayError);
  assert.equal(error.status, 400);
  assert.equal(error.param, param);
  return true;
};

Deno.test("generateToChat() converts tools, their Gemini schema and the settings", async () => {
  const body = snakeToCamel(
    await jsonFixture("request_function_turns.json"),
  ) as GenerateContentBody;
  const chat = generateToChat(body, options);
  assert.equal(chat.model, "gpt-4o");
  assert.deepEqual(chat.tools, [{
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "City name" },
          unit_name: { type: ["string", "null"], enum: ["C", "F", null] },
        },
        required: ["location"],
      },
    },
  }]);
  assert.equal(chat.tool_choice, undefined, "AUTO is chat's default");
  assert.equal(chat.temperature, 0.2);
  assert.equal(chat.max_tokens, 256);
  assert.equal("top_k" in chat, false, "topK has no chat field: dropped");
  assert.equal(chat.stream, undefined);
});

Deno.test("generateToChat() asks streams for usage", () => {
  const chat = generateToChat({ contents: hi } as GenerateContentBody, {
    ...options,
    stream: true,
  });
  assert.equal(chat.stream, true);
  assert.deepEqual(chat.stream_options, { include_usage: true });
});

Deno.test("generateToChat() maps the function calling modes", () => {
  const tools = [{
    functionDeclarations: [{ name: "a" }, { name: "b", parametersJsonSchema: { type: "object" } }],
  }];
  const mode = (functionCallingConfig: Record<string, unknown>) =>
    convert({ tools, toolConfig: { functionCallingConfig } });
  assert.equal(mode({ mode: "NONE" }).tool_choice, "none");
  assert.deepEqual(mode({ mode: "ANY", allowedFunctionNames: ["b"] }).tool_choice, {
    type: "function",
    function: { name: "b" },
  });
  const any = mode({ mode: "ANY", allowedFunctionNames: ["a", "b"] });
  assert.equal(any.tool_choice, "required");
  assert.deepEqual(any.tools?.map((t) => t.function?.name), ["a", "b"]);
  assert.deepEqual(mode({ mode: "ANY" }).tools?.[1].function, {
    name: "b",
    parameters: { type: "object" },
  });
  assert.throws(
    () => mode({ mode: "SOMETIMES" }),
    rejects("toolConfig.functionCallingConfig.mode"),
  );
});

Deno.test("generateToChat() maps thinking settings to reasoning_effort", () => {
  const effort = (thinkingConfig: Record<string, unknown>) =>
    convert({ generationConfig: { thinkingConfig } }).reasoning_effort;
  assert.equal(effort({ thinkingLevel: "HIGH" }), "high");
  assert.equal(effort({ thinkingBudget: 0 }), "none");
  assert.equal(effort({ thinkingBudget: 1000 }), "low");
  assert.equal(effort({ thinkingBudget: 8192 }), "medium");
  assert.equal(effort({ thinkingBudget: 30000 }), "high");
  assert.equal(effort({ thinkingBudget: -1, includeThoughts: true }), undefined);
});

Deno.test("generateToChat() turns JSON output settings into response_format", () => {
  const format = (generationConfig: Record<string, unknown>) =>
    convert({ generationConfig }).response_format;
  assert.deepEqual(format({ responseMimeType: "application/json" }), { type: "json_object" });
  assert.deepEqual(
    format({
      responseMimeType: "application/json",
      responseSchema: { type: "ARRAY", items: { type: "INTEGER" } },
    }),
    {
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "array", items: { type: "integer" } } },
    },
  );
  assert.equal(format({ responseMimeType: "text/plain" }), undefined);
  assert.throws(
    () => format({ responseMimeType: "text/x.enum" }),
    rejects("generationConfig.responseMimeType"),
  );
});

Deno.test("generateToChat() refuses what only Gemini can do, naming the field", () => {
  assert.throws(() => convert({ tools: [{ googleSearch: {} }] }), rejects("tools[0].googleSearch"));
  assert.throws(() => convert({ cachedContent: "cachedContents/x" }), rejects("cachedContent"));
  assert.throws(
    () => convert({ generationConfig: { responseLogprobs: true } }),
    rejects("generationConfig.responseLogprobs"),
  );
  assert.throws(
    () => convert({ generationConfig: { responseModalities: ["TEXT", "IMAGE"] } }),
    rejects("generationConfig.responseModalities"),
  );
});
