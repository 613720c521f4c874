import assert from "node:assert/strict";
import { toGeminiSchema } from "./json_schema.ts";
import { fromGeminiSchema } from "./schema_to_json_schema.ts";

Deno.test("fromGeminiSchema() lower-cases types and spells nullable as JSON Schema does", () => {
  assert.deepEqual(
    fromGeminiSchema({
      type: "OBJECT",
      properties: {
        tags: { type: "ARRAY", items: { type: "STRING" }, minItems: 1 },
        when: { type: "STRING", format: "date-time", nullable: true },
        either: { anyOf: [{ type: "INTEGER" }, { type: "BOOLEAN" }], nullable: true },
      },
      required: ["tags"],
      propertyOrdering: ["tags", "when"],
    }),
    {
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string" }, minItems: 1 },
        when: { type: ["string", "null"], format: "date-time" },
        either: { anyOf: [{ type: "integer" }, { type: "boolean" }, { type: "null" }] },
      },
      required: ["tags"],
    },
  );
});

Deno.test("fromGeminiSchema() round-trips what toGeminiSchema() produces", () => {
  const schema = {
    type: "object",
    properties: { q: { type: "string", description: "Query" }, n: { type: "integer" } },
    required: ["q"],
  };
  assert.deepEqual(fromGeminiSchema(toGeminiSchema(schema)), schema);
});

Deno.test("fromGeminiSchema() is bounded on hostile nesting and tolerates junk", () => {
  let deep: Record<string, unknown> = { type: "STRING" };
  for (let i = 0; i < 1000; i++) deep = { type: "ARRAY", items: deep };
  assert.equal(fromGeminiSchema(deep).type, "array");
  assert.deepEqual(fromGeminiSchema("not a schema"), {});
  assert.deepEqual(fromGeminiSchema({ type: "TYPE_UNSPECIFIED" }), {});
});
