/**
 * Gemini's error body (`{"error":{"code","message","status","details"}}`, Google's JSON form of
 * `google.rpc.Status`) → the failure the gateway shows the client and uses for failover.
 *
 * Two corrections matter for failover: Google answers an invalid API key with 400
 * INVALID_ARGUMENT (reason API_KEY_INVALID), which is made a 401 so the key is set aside and the
 * next channel is tried; and RESOURCE_EXHAUSTED carries its wait in `RetryInfo.retryDelay`
 * (e.g. "37s") rather than a `Retry-After` header.
 *
 * Reference: https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes and
 * https://cloud.google.com/apis/design/errors#error_model.
 */
import type { UpstreamFailure } from "../../errors.ts";
import { ErrorBody } from "./schema.ts";

/** HTTP status for each canonical code, for bodies whose `code` is missing or odd. */
const STATUS_BY_CODE: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** OpenAI error types by status, matching what the gateway renders for its own errors. */
const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "invalid_request_error",
  429: "rate_limit_error",
};

/** The HTTP status for a Gemini error's numeric `code` and canonical `status`. */
export function errorStatus(code: number | undefined, status: string | undefined): number {
  if (code !== undefined && code >= 400 && code < 600) return code;
  return (status && STATUS_BY_CODE[status]) || 502;
}

/**
 * Maps a Gemini error response. Returns `undefined` when the body is not Gemini's error shape,
 * so the gateway falls back to the raw text.
 *
 * @example
 * ```ts
 * geminiErrorToFailure(429, { error: { code: 429, message: "Quota exceeded",
 *   status: "RESOURCE_EXHAUSTED", details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo",
 *   retryDelay: "37s" }] } });
 * // → { status: 429, message: "Quota exceeded", type: "rate_limit_error",
 * //     code: "RESOURCE_EXHAUSTED", retryAfter: 37 }
 * ```
 */
export function geminiErrorToFailure(
  httpStatus: number,
  body: unknown,
): UpstreamFailure | undefined {
  // Non-SSE streaming endpoints wrap the error in an array.
  const parsed = ErrorBody.safeParse(Array.isArray(body) ? body[0] : body);
  if (!parsed.success) return undefined;
  const error = parsed.data.error;
  const reason = errorInfoReason(error.details);
  let status = errorStatus(error.code ?? httpStatus, error.status);
  if (reason === "API_KEY_INVALID" || reason === "API_KEY_EXPIRED") status = 401;
  const failure: UpstreamFailure = {
    status,
    message: error.message,
    type: TYPE_BY_STATUS[status] ?? "upstream_error",
    code: reason ?? error.status ?? null,
  };
  const retryAfter = retryDelaySeconds(error.details);
  if (retryAfter !== undefined) failure.retryAfter = retryAfter;
  return failure;
}

/** `RetryInfo.retryDelay` (a protobuf Duration in JSON: "37s", "1.5s") in whole seconds. */
export function retryDelaySeconds(details: readonly Record<string, unknown>[] | undefined) {
  for (const detail of details ?? []) {
    if (!String(detail["@type"]).endsWith("google.rpc.RetryInfo")) continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(String(detail.retryDelay));
    if (match) return Math.ceil(Number(match[1]));
  }
  return undefined;
}

function errorInfoReason(details: readonly Record<string, unknown>[] | undefined) {
  for (const detail of details ?? []) {
    if (
      String(detail["@type"]).endsWith("google.rpc.ErrorInfo") && typeof detail.reason === "string"
    ) {
      return detail.reason;
    }
  }
  return undefined;
}
