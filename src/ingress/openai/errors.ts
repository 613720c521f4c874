/** Errors as OpenAI's API shapes them: `{"error":{"message","type","code","param"}}`. */
import type { GatewayError, UpstreamError } from "../../errors.ts";
import type { SseEvent } from "../../sse/event.ts";

export function renderOpenAIError(error: GatewayError, requestId: string): Response {
  return Response.json({
    error: {
      message: error.message,
      type: error.type,
      code: error.code,
      param: error.param,
      ...error.details,
    },
  }, { status: error.status, headers: { ...error.headers, "x-request-id": requestId } });
}

/** The OpenAI dialect's mid-stream error: a data event holding an error object. */
export function openAIErrorEvent(error: UpstreamError | GatewayError): SseEvent {
  return {
    data: JSON.stringify({
      error: { message: error.message, type: error.type, code: null, param: null },
    }),
  };
}
