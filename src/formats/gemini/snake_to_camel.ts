/**
 * Google's JSON accepts a message's fields by their proto names (`system_instruction`,
 * `inline_data`, `mime_type`) as well as in lowerCamelCase, and Google's own REST examples use
 * both. The converters read lowerCamelCase only, so a request is normalised first. Values that are
 * free-form data keep their keys as they are: function call `args` and `response`, JSON Schemas
 * (`parametersJsonSchema`, `responseJsonSchema`), the property names of a `Schema`, `default`
 * and `example` values. A Gemini channel still gets the client's own body.
 *
 * Reference: https://protobuf.dev/programming-guides/json/ ("parsers accept both the
 * lowerCamelCase name and the original proto field name").
 */

/** Fields whose value is data, not a message: copied as they are. */
const OPAQUE = new Set([
  "args",
  "response",
  "parametersJsonSchema",
  "responseJsonSchema",
  "default",
  "example",
  "labels",
  "metadata",
]);

/** Bounds recursion on hostile input (bodies are depth-checked before this, too). */
const MAX_DEPTH = 64;

/**
 * The request with every message field in lowerCamelCase.
 *
 * @example
 * ```ts
 * snakeToCamel({ contents: [{ parts: [{ inline_data: { mime_type: "image/png", data: "…" } }] }],
 *   generation_config: { max_output_tokens: 5 } });
 * // → { contents: [{ parts: [{ inlineData: { mimeType: "image/png", data: "…" } }] }],
 * //     generationConfig: { maxOutputTokens: 5 } }
 * ```
 */
export function snakeToCamel<T>(value: T): T {
  return convert(value, 0) as T;
}

function convert(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => convert(v, depth + 1));
  // Built as data (`fromEntries`), so a `__proto__` key stays an own field, never a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      const name = key.includes("_") ? camel(key) : key;
      if (OPAQUE.has(name)) return [name, inner];
      if (name === "properties" && isObject(inner)) {
        // A Schema's property names are the caller's; their schemas are messages again.
        return [
          name,
          Object.fromEntries(
            Object.entries(inner).map(([prop, schema]) => [prop, convert(schema, depth + 1)]),
          ),
        ];
      }
      return [name, convert(inner, depth + 1)];
    }),
  );
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
