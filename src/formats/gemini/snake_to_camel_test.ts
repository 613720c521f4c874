import assert from "node:assert/strict";
import { snakeToCamel } from "./snake_to_camel.ts";

Deno.test("snakeToCamel() renames message fields but never the caller's data", () => {
  assert.deepEqual(
    snakeToCamel({
      system_instruction: { parts: [{ text: "x" }] },
      contents: [{
        parts: [
          { function_call: { name: "f", args: { user_id: 1 } }, thought_signature: "s" },
          { function_response: { name: "f", response: { the_result: 2 } } },
        ],
      }],
      tools: [{
        function_declarations: [{
          name: "f",
          parameters: {
            type: "OBJECT",
            properties: { user_id: { type: "STRING", min_length: 1 } },
          },
          parameters_json_schema: { properties: { keep_me: {} } },
        }],
      }],
      generation_config: { max_output_tokens: 5, thinking_config: { include_thoughts: true } },
    }),
    {
      systemInstruction: { parts: [{ text: "x" }] },
      contents: [{
        parts: [
          { functionCall: { name: "f", args: { user_id: 1 } }, thoughtSignature: "s" },
          { functionResponse: { name: "f", response: { the_result: 2 } } },
        ],
      }],
      tools: [{
        functionDeclarations: [{
          name: "f",
          parameters: { type: "OBJECT", properties: { user_id: { type: "STRING", minLength: 1 } } },
          parametersJsonSchema: { properties: { keep_me: {} } },
        }],
      }],
      generationConfig: { maxOutputTokens: 5, thinkingConfig: { includeThoughts: true } },
    },
  );
});

Deno.test("snakeToCamel() keeps a __proto__ key as data", () => {
  const out = snakeToCamel(JSON.parse('{"__proto__": {"polluted": true}, "a_b": 1}'));
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((out as Record<string, unknown>).aB, 1);
});
