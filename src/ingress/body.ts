/**
 * Reads and validates a JSON request body. Bad JSON, JSON nested too deeply and schema
 * violations become 400s that name the offending field (a wrong type is reported as a wrong type,
 * a missing field as missing), rendered in the caller's dialect by its error handler.
 */
import type { z } from "zod";
import { formatPath } from "../config/load.ts";
import { GatewayError } from "../errors.ts";
import { JsonTooDeepError, parseJsonBounded } from "../formats/json.ts";
import { readCappedText, TooLargeError } from "../proxy/read_capped.ts";

/** The body as text, refused with 413 past `max` bytes (declared or streamed) without reading on. */
export async function readRequestText(request: Request, max: number): Promise<string> {
  try {
    return await readCappedText(request, max);
  } catch (error) {
    if (!(error instanceof TooLargeError)) throw error;
    throw new GatewayError(413, `Request body exceeds the limit of ${max} bytes`, {
      code: "request_too_large",
    });
  }
}

/** Parses `text` as a JSON object and validates it against `schema`. */
export function parseBody<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  if (text.trim() === "") {
    throw new GatewayError(400, "Request body is empty; expected a JSON object", {
      code: "invalid_json",
    });
  }
  let json: unknown;
  try {
    json = parseJsonBounded(text);
  } catch (error) {
    const message = error instanceof JsonTooDeepError
      ? `Request body is nested too deeply: ${error.message}`
      : `Request body is not valid JSON: ${error instanceof Error ? error.message : error}`;
    throw new GatewayError(400, message, { code: "invalid_json" });
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new GatewayError(400, "Request body must be a JSON object", { code: "invalid_json" });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const path = formatPath(at);
    const message = issue.code === "invalid_type" && valueAt(json, at) === undefined
      ? `Missing required parameter: '${path}'`
      : `Invalid value for '${path}': ${issue.message}`;
    throw new GatewayError(400, message, { code: "invalid_request_body", param: path || null });
  }
  // The client's own object, not zod's copy: request schemas only check (no defaults or
  // transforms), and the original keeps the client's bytes valid for forwarding.
  return json as z.infer<T>;
}

/** The value at `path` inside `json` (zod 4 issues do not carry the input). */
function valueAt(json: unknown, path: readonly (string | number)[]): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
