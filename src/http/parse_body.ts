/**
 * Reads and validates a JSON request body. Bad JSON and schema violations become 400s that name
 * the offending field, in the caller's error dialect (the error handler renders them).
 */
import type { z } from "zod";
import { formatPath } from "../config/load.ts";
import { readCappedText, TooLargeError } from "../proxy/read_capped.ts";
import { GatewayError } from "./errors.ts";

/**
 * The request body as text, refused with 413 past `max` bytes (declared or streamed) without
 * reading more than that.
 */
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

/** Parses `text` as JSON and validates it against `schema`. */
export function parseBody<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  if (text.trim() === "") {
    throw new GatewayError(400, "Request body is empty; expected a JSON object", {
      code: "invalid_json",
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GatewayError(
      400,
      `Request body is not valid JSON: ${error instanceof Error ? error.message : error}`,
      { code: "invalid_json" },
    );
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new GatewayError(400, "Request body must be a JSON object", { code: "invalid_json" });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = formatPath(
      issue.path.filter((p): p is string | number => typeof p !== "symbol"),
    );
    const message = issue.code === "invalid_type" && issue.input === undefined
      ? `Missing required parameter: '${path}'`
      : `Invalid value for '${path}': ${issue.message}`;
    throw new GatewayError(400, message, { code: "invalid_request_body", param: path || null });
  }
  // The client's own object, not zod's copy: request schemas only check (no defaults or
  // transforms), and forwarding the original keeps the body's key order for the upstream.
  return json as z.infer<T>;
}
