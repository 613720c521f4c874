/**
 * An ingress is an API dialect clients speak to Sluice (OpenAI's, Anthropic's). The relay asks it,
 * per candidate channel, how to call that channel — natively when the channel speaks the client's
 * API, else converted to OpenAI chat — and how to turn the answer and any error back into the
 * client's dialect. Conversion is per candidate because failover may cross channel kinds.
 */
import { type GatewayError, openAIErrorResponse } from "../http/errors.ts";
import type { Endpoint, SseEvent, UpstreamError } from "../plugin/contract.ts";
import type { Channel } from "../routing/channel.ts";
import { estimatePromptTokens, estimateTokens } from "../formats/tokens.ts";

/** How one channel is called for this request. */
export interface PreparedCall {
  endpoint: Endpoint;
  body: Record<string, unknown>;
  /** The call was converted from the client's dialect; `finish` must convert the answer back. */
  converted: boolean;
  /** Whether the client asked for the usage chunk (OpenAI streams) in the upstream dialect. */
  clientWantsUsage: boolean;
}

export interface Ingress {
  /** The client's endpoint, for routing and records. */
  readonly endpoint: Endpoint;
  /** The prompt's size in tokens, estimated, for context-window routing. */
  estimatePromptTokens(): number;
  prepare(channel: Channel): PreparedCall;
  /** Turns a successful answer (JSON or SSE) into the client's dialect. */
  finish(response: Response, call: PreparedCall, model: string): Response;
  /** Renders a gateway error for the client. */
  errorResponse(error: GatewayError): Response;
  /** The last event of a stream that failed after it started. */
  errorEvent(error: UpstreamError, call: PreparedCall): SseEvent;
}

/** The OpenAI dialect: what the client sent is what the channel gets. */
export function openAIIngress(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  clientWantsUsage: boolean,
): Ingress {
  const call: PreparedCall = { endpoint, body, converted: false, clientWantsUsage };
  return {
    endpoint,
    estimatePromptTokens: () =>
      Array.isArray(body.messages)
        ? estimatePromptTokens(body.messages)
        : estimateTokens(JSON.stringify(body.prompt ?? body.input ?? "")),
    prepare: () => call,
    finish: (response) => response,
    errorResponse: (error) => openAIErrorResponse(error),
    errorEvent: openAIErrorEvent,
  };
}

/** The OpenAI dialect's mid-stream error: a data event holding an error object. */
export function openAIErrorEvent(error: UpstreamError): SseEvent {
  return {
    data: JSON.stringify({
      error: { message: error.message, type: error.type, code: null, param: null },
    }),
  };
}
