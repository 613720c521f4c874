/**
 * Anthropic's error types and HTTP statuses, both ways, and the error a conversion raises when a
 * request uses something the other dialect cannot express.
 *
 * `overloaded_error` keeps Anthropic's own status, 529. It is a 5xx, so failover retries the
 * channel and then moves on, exactly as for a 503; keeping 529 (rather than rewriting it to 503)
 * means an Anthropic client that reaches the end of failover sees the status its SDK knows.
 */
import type { ErrorBody } from "./response.ts";

const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const TYPE_OF_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** The status Anthropic uses for an error type; `fallback` for types it does not list. */
export function statusOfErrorType(type: string | undefined, fallback = 502): number {
  return (type !== undefined && STATUS_OF_TYPE[type]) || fallback;
}

/**
 * The Anthropic error type for a status. Statuses Anthropic gives no type of their own (502,
 * 503, 504...) keep `type` when it already is an Anthropic type, else become `api_error`.
 */
export function errorTypeOfStatus(status: number, type?: string): string {
  const byStatus = TYPE_OF_STATUS[status];
  if (byStatus) return byStatus;
  return type !== undefined && type in STATUS_OF_TYPE ? type : "api_error";
}

/** An Anthropic error body. */
export function errorBody(status: number, message: string, type?: string): ErrorBody {
  return { type: "error", error: { type: errorTypeOfStatus(status, type), message } };
}

/**
 * A request that cannot be expressed in the target dialect (an audio part for Claude, a server
 * tool for an OpenAI model, tool arguments that are not JSON). Always the client's fault: 400.
 */
export class ConversionError extends Error {
  override name = "ConversionError";
  readonly status = 400;
  /** The offending field, e.g. `messages[2].tool_calls[0].function.arguments`. */
  constructor(message: string, readonly param?: string) {
    super(message);
  }
}
