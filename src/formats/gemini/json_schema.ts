/**
 * JSON Schema (what OpenAI clients send for tool parameters and `json_schema` response formats)
 * → Gemini's `Schema`, "a select subset of an OpenAPI 3.0 schema object". Gemini answers 400 to
 * keywords outside that subset (`$schema`, `additionalProperties`, `$ref`, `const`, type arrays,
 * formats other than `enum`/`date-time` on strings, ...), so this keeps what Gemini understands,
 * rewrites what has an equivalent (`$ref` inlined, `["string","null"]` → `nullable`, `const` →
 * `enum`, `oneOf` → `anyOf`) and drops the rest.
 *
 * Reference: https://ai.google.dev/api/caching#Schema. Channels whose models take full JSON
 * Schema can skip this with the plugin's `json_schema: true` option (`parametersJsonSchema`).
 */

type Json = Record<string, unknown>;

/** Keywords copied unchanged when present (besides the ones handled explicitly below). */
const KEPT = [
  "description",
  "title",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
  "minimum",
  "maximum",
  "pattern",
  "propertyOrdering",
] as const;

/** Formats Gemini accepts, per type; any other format is rejected, so it is dropped. */
const FORMATS: Record<string, readonly string[]> = {
  STRING: ["enum", "date-time"],
  INTEGER: ["int32", "int64"],
  NUMBER: ["float", "double"],
};

const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);

/** Guards `$ref` cycles: a recursive type is cut to a bare object this deep. */
const MAX_REF_DEPTH = 8;

/**
 * Converts a JSON Schema to Gemini's `Schema` subset.
 *
 * @example
 * ```ts
 * toGeminiSchema({ type: "object", properties: { q: { type: ["string", "null"] } },
 *   additionalProperties: false });
 * // → { type: "OBJECT", properties: { q: { type: "STRING", nullable: true } } }
 * ```
 */
export function toGeminiSchema(schema: unknown): Json {
  const root = isObject(schema) ? schema : {};
  return convert(root, root, 0);
}

/** True when an object schema declares no parameters (Gemini wants `parameters` omitted). */
export function isEmptyObjectSchema(schema: unknown): boolean {
  if (!isObject(schema)) return true;
  const properties = schema.properties;
  return (schema.type === undefined || schema.type === "object") &&
    (!isObject(properties) || Object.keys(properties).length === 0) &&
    schema.anyOf === undefined && schema.oneOf === undefined && schema.allOf === undefined &&
    schema.$ref === undefined;
}

/** Removes the keywords that only describe the schema document, for `*JsonSchema` fields. */
export function stripMetaKeywords(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function convert(schema: Json, root: Json, depth: number): Json {
  if (typeof schema.$ref === "string") {
    const target = resolveRef(schema.$ref, root);
    if (!target || depth >= MAX_REF_DEPTH) return { type: "OBJECT" };
    // Sibling keywords (e.g. a description next to the $ref) refine the target.
    const { $ref: _ref, ...siblings } = schema;
    return convert({ ...target, ...siblings }, root, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const { allOf, ...rest } = schema;
    return convert(mergeAll([rest, ...allOf.filter(isObject)]), root, depth);
  }

  const out: Json = {};
  let nullable = schema.nullable === true;

  const variants = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
    ? schema.oneOf
    : undefined;
  if (variants) {
    const kept = variants.filter(isObject).filter((v) => {
      if (v.type === "null") nullable = true;
      return v.type !== "null";
    });
    if (kept.length === 1) {
      // `anyOf: [X, {type: null}]` is how most generators spell an optional X.
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      const single = convert({ ...kept[0], ...rest }, root, depth);
      return nullable ? { ...single, nullable: true } : single;
    }
    out.anyOf = kept.map((v) => convert(v, root, depth));
  }

  let type = schema.type;
  if (Array.isArray(type)) {
    if (type.includes("null")) nullable = true;
    const nonNull = type.filter((t) => t !== "null");
    if (nonNull.length > 1 && !out.anyOf) {
      const { type: _t, ...rest } = schema;
      out.anyOf = nonNull.map((t) => convert({ ...rest, type: t }, root, depth));
      type = undefined;
    } else type = nonNull[0];
  }
  if (type === undefined && schema.const === undefined && Array.isArray(schema.enum)) {
    type = "string";
  }
  if (schema.const !== undefined && type === undefined) type = jsonTypeOf(schema.const);

  const upper = typeof type === "string" && TYPES.has(type) ? type.toUpperCase() : undefined;
  if (upper) out.type = upper;
  if (nullable) out.nullable = true;

  for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
  if (schema.exclusiveMinimum !== undefined && typeof schema.exclusiveMinimum === "number") {
    out.minimum ??= schema.exclusiveMinimum;
  }
  if (schema.exclusiveMaximum !== undefined && typeof schema.exclusiveMaximum === "number") {
    out.maximum ??= schema.exclusiveMaximum;
  }
  if (typeof schema.format === "string" && upper && FORMATS[upper]?.includes(schema.format)) {
    out.format = schema.format;
  }

  const values = schema.const !== undefined ? [schema.const] : schema.enum;
  if (Array.isArray(values)) {
    if (values.every((v) => typeof v === "string")) {
      out.enum = values;
      if (upper === undefined) out.type = "STRING";
    } else {
      // Gemini enums are strings only; keep the constraint visible to the model instead.
      const list = values.map((v) => JSON.stringify(v)).join(", ");
      out.description = `${out.description ? `${out.description} ` : ""}(one of: ${list})`;
    }
  }

  if (isObject(schema.properties)) {
    const properties: Json = {};
    for (const [name, inner] of Object.entries(schema.properties)) {
      properties[name] = convert(isObject(inner) ? inner : {}, root, depth);
    }
    out.properties = properties;
    if (Array.isArray(schema.required)) {
      // A required name without a property is a 400 at Gemini.
      const required = schema.required.filter((r) => typeof r === "string" && r in properties);
      if (required.length > 0) out.required = required;
    }
  }

  if (schema.items !== undefined) {
    const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
    out.items = convert(isObject(items) ? items : {}, root, depth);
  } else if (Array.isArray(schema.prefixItems) && isObject(schema.prefixItems[0])) {
    out.items = convert(schema.prefixItems[0], root, depth);
  } else if (upper === "ARRAY") {
    // Gemini requires `items` on arrays.
    out.items = { type: "STRING" };
  }
  return out;
}

function resolveRef(ref: string, root: Json): Json | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

function mergeAll(schemas: Json[]): Json {
  const out: Json = {};
  for (const schema of schemas) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "properties" && isObject(out.properties) && isObject(value)) {
        out.properties = { ...out.properties, ...value };
      } else if (key === "required" && Array.isArray(out.required) && Array.isArray(value)) {
        out.required = [...new Set([...out.required, ...value])];
      } else out[key] = value;
    }
  }
  return out;
}

function jsonTypeOf(value: unknown): string | undefined {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
