/**
 * Errors as Google's APIs shape them: `{"error":{"code","message","status","details"}}`, the JSON
 * form of `google.rpc.Status`, with the canonical status name for the HTTP status. Details carry
 * an `ErrorInfo` (the gateway's reason code) and, when there is a wait, a `RetryInfo`, which the
 * `@google/genai` SDK and Google's client libraries read. In a stream the same object is the
 * last event, which the SDK raises as an `ApiError`.
 *
 * Reference: https://cloud.google.com/apis/design/errors#error_model,
 * https://cloud.google.com/apis/design/errors#handling_errors (status ↔ HTTP mapping) and
 * https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes.
 */
import type { GatewayError, UpstreamError } from "../../errors.ts";
import type { SseEvent } from "../../sse/event.ts";

/** Canonical status names by HTTP status (Google's mapping; 405 and 413 are the gateway's). */
const STATUS_NAME: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "UNIMPLEMENTED",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The canonical status name for an HTTP status. */
export function statusName(status: number): string {
  return STATUS_NAME[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
}

/** The Google-shaped body of an error with `status`, `message` and optional reason code. */
export function googleErrorBody(
  status: number,
  message: string,
  reason?: string | null,
  retryAfter?: string,
) {
  const details: Record<string, unknown>[] = [];
  if (reason) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: reason.toUpperCase(),
      domain: "sluice",
    });
  }
  if (retryAfter && /^\d+$/.test(retryAfter)) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: `${retryAfter}s`,
    });
  }
  return {
    error: {
      code: status,
      message,
      status: statusName(status),
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

export function renderGeminiError(error: GatewayError, requestId: string): Response {
  const body = googleErrorBody(
    error.status,
    error.message,
    error.code,
    error.headers["retry-after"],
  );
  return Response.json(body, {
    status: error.status,
    headers: { ...error.headers, "x-request-id": requestId },
  });
}

/** A stream's last event after a failure: the error object, as Gemini sends one mid-stream. */
export function geminiErrorEvent(error: UpstreamError | GatewayError): SseEvent {
  const code = "code" in error ? error.code : null;
  return { data: JSON.stringify(googleErrorBody(error.status, error.message, code)) };
}
