import assert from "node:assert/strict";
import { isEmptyObjectSchema, stripMetaKeywords, toGeminiSchema } from "./json_schema.ts";

Deno.test("toGeminiSchema() drops keywords Gemini rejects and upper-cases types", () => {
  const schema = toGeminiSchema({
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    additionalProperties: false,
    properties: {
      color: { type: "string", pattern: "red|blue", format: "color" },
      when: { type: "string", format: "date-time" },
      count: { type: "integer", minimum: 1, exclusiveMaximum: 10, multipleOf: 2 },
    },
    required: ["color", "missing"],
  });
  assert.deepEqual(schema, {
    type: "OBJECT",
    properties: {
      color: { type: "STRING", pattern: "red|blue" },
      when: { type: "STRING", format: "date-time" },
      count: { type: "INTEGER", minimum: 1, maximum: 10 },
    },
    required: ["color"],
  });
});

Deno.test("toGeminiSchema() turns nullable type arrays and anyOf-null into nullable", () => {
  assert.deepEqual(toGeminiSchema({ type: ["string", "null"] }), {
    type: "STRING",
    nullable: true,
  });
  assert.deepEqual(
    toGeminiSchema({ anyOf: [{ type: "number" }, { type: "null" }], description: "n" }),
    { type: "NUMBER", nullable: true, description: "n" },
  );
  assert.deepEqual(toGeminiSchema({ type: ["string", "integer"] }), {
    anyOf: [{ type: "STRING" }, { type: "INTEGER" }],
  });
});

Deno.test("toGeminiSchema() inlines $ref and cuts recursion", () => {
  const schema = toGeminiSchema({
    type: "object",
    properties: { node: { $ref: "#/$defs/Node" } },
    $defs: {
      Node: {
        type: "object",
        properties: { value: { const: "x" }, next: { $ref: "#/$defs/Node" } },
      },
    },
  });
  const node = (schema.properties as Record<string, Record<string, unknown>>).node;
  assert.equal(node.type, "OBJECT");
  assert.deepEqual((node.properties as Record<string, unknown>).value, {
    type: "STRING",
    enum: ["x"],
  });
  assert.ok(JSON.stringify(schema).length < 5_000);
  assert.ok(!JSON.stringify(schema).includes("$ref"));
});

Deno.test("toGeminiSchema() keeps string enums and describes numeric ones", () => {
  assert.deepEqual(toGeminiSchema({ enum: ["a", "b"] }), { type: "STRING", enum: ["a", "b"] });
  assert.deepEqual(toGeminiSchema({ type: "integer", enum: [1, 2] }), {
    type: "INTEGER",
    description: "(one of: 1, 2)",
  });
});

Deno.test("toGeminiSchema() merges allOf and gives arrays items", () => {
  assert.deepEqual(
    toGeminiSchema({
      allOf: [
        { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
        { properties: { b: { type: "array" } }, required: ["b"] },
      ],
    }),
    {
      type: "OBJECT",
      properties: { a: { type: "STRING" }, b: { type: "ARRAY", items: { type: "STRING" } } },
      required: ["a", "b"],
    },
  );
});

Deno.test("isEmptyObjectSchema() is true only for schemas without parameters", () => {
  assert.equal(isEmptyObjectSchema(undefined), true);
  assert.equal(isEmptyObjectSchema({ type: "object", properties: {} }), true);
  assert.equal(isEmptyObjectSchema({ type: "object", properties: { a: {} } }), false);
});

Deno.test("stripMetaKeywords() removes $schema and $id only", () => {
  assert.deepEqual(stripMetaKeywords({ $schema: "x", $id: "y", type: "object" }), {
    type: "object",
  });
});
