/** Errors as Anthropic's API shapes them: `{"type":"error","error":{"type","message"}}`. */
import type { GatewayError, UpstreamError } from "../../errors.ts";
import * as anthropic from "../../formats/anthropic/mod.ts";
import { type SseEvent, sseJson } from "../../sse/event.ts";

export function renderAnthropicError(error: GatewayError, requestId: string): Response {
  const body = anthropic.errorBody(error.status, error.message, error.type);
  return Response.json(
    { ...body, error: { ...body.error, ...error.details } },
    { status: error.status, headers: { ...error.headers, "x-request-id": requestId } },
  );
}

/** The Anthropic stream's error event, which the Anthropic SDK raises as an APIError. */
export function anthropicErrorEvent(error: UpstreamError | GatewayError): SseEvent {
  return sseJson(anthropic.errorBody(error.status, error.message, error.type), "error");
}
