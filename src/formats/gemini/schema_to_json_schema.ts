/**
 * Gemini's `Schema` (function `parameters`, `responseSchema`: "a select subset of an OpenAPI 3.0
 * schema object", with upper-case `type` names and `nullable`) → JSON Schema, what OpenAI chat
 * tools and `json_schema` response formats take. The reverse of `json_schema.ts`.
 *
 * Reference: https://ai.google.dev/api/caching#Schema (fields and the `Type` enum).
 */

type Json = Record<string, unknown>;

/** Keywords that mean the same in both and are copied as they are. */
const SAME = [
  "description",
  "title",
  "format",
  "enum",
  "required",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
  "minimum",
  "maximum",
  "pattern",
  "default",
] as const;

/** Bounds recursion on hostile input; real schemas are a handful of levels deep. */
const MAX_DEPTH = 32;

/**
 * Converts a Gemini `Schema` to JSON Schema.
 *
 * @example
 * ```ts
 * fromGeminiSchema({ type: "OBJECT", properties: { q: { type: "STRING", nullable: true } } });
 * // → { type: "object", properties: { q: { type: ["string", "null"] } } }
 * ```
 */
export function fromGeminiSchema(schema: unknown): Json {
  return convert(isObject(schema) ? schema : {}, 0);
}

function convert(schema: Json, depth: number): Json {
  const out: Json = {};
  if (depth > MAX_DEPTH) return out;
  const type = typeof schema.type === "string" ? schema.type.toLowerCase() : undefined;
  const nullable = schema.nullable === true;
  if (type && type !== "type_unspecified") out.type = nullable ? [type, "null"] : type;
  for (const key of SAME) if (schema[key] !== undefined) out[key] = schema[key];
  if (nullable && Array.isArray(out.enum) && !out.enum.includes(null)) {
    out.enum = [...out.enum, null];
  }
  if (isObject(schema.properties)) {
    const properties: Json = {};
    for (const [name, inner] of Object.entries(schema.properties)) {
      properties[name] = convert(isObject(inner) ? inner : {}, depth + 1);
    }
    out.properties = properties;
  }
  if (isObject(schema.items)) out.items = convert(schema.items, depth + 1);
  if (Array.isArray(schema.anyOf)) {
    out.anyOf = schema.anyOf.filter(isObject).map((v) => convert(v, depth + 1));
  }
  if (nullable && type === undefined && Array.isArray(out.anyOf)) {
    (out.anyOf as Json[]).push({ type: "null" });
  }
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
