/**
 * The Anthropic dialect (`POST /v1/messages`). A channel that serves Messages natively gets the
 * client's request unchanged and its answer goes back unchanged; any other channel is called
 * with OpenAI chat and its answer, JSON or stream, is converted back to a Message. Errors are
 * rendered as Anthropic error bodies and `event: error` events.
 */
import * as anthropic from "../formats/anthropic/mod.ts";
import { GatewayError } from "../http/errors.ts";
import { type SseEvent, sseJson, UpstreamError } from "../plugin/contract.ts";
import type { Channel } from "../routing/channel.ts";
import type { Ingress, PreparedCall } from "./ingress.ts";
import { formatSse, parseSse } from "./sse.ts";

/** An ingress for one validated Messages request. */
export function anthropicIngress(body: anthropic.MessagesRequest, stream: boolean): Ingress {
  const native: PreparedCall = {
    endpoint: "messages",
    body,
    converted: false,
    clientWantsUsage: false,
  };
  let converted: PreparedCall | undefined;
  let tokens: number | undefined;
  const estimate = () => tokens ??= anthropic.estimateMessagesTokens(body);
  return {
    endpoint: "messages",
    estimatePromptTokens: estimate,
    prepare(channel: Channel) {
      if (channel.endpoints.has("messages")) return native;
      converted ??= convertedCall(body, stream);
      return converted;
    },
    finish(response, call, model) {
      if (!call.converted) return response;
      return stream ? finishStream(response, model, estimate()) : finishJson(response, model);
    },
    errorResponse: anthropicErrorResponse,
    errorEvent: anthropicErrorEvent,
  };
}

/** An Anthropic-shaped error response: `{"type":"error","error":{"type","message"}}`. */
export function anthropicErrorResponse(error: GatewayError): Response {
  const body = anthropic.errorBody(error.status, error.message, error.type);
  return Response.json(
    { ...body, error: { ...body.error, ...error.details } },
    { status: error.status, headers: error.headers },
  );
}

/** The Anthropic stream's error event, which the Anthropic SDK raises as an APIError. */
export function anthropicErrorEvent(error: UpstreamError): SseEvent {
  return sseJson(anthropic.errorBody(error.status, error.message, error.type), "error");
}

function convertedCall(body: anthropic.MessagesRequest, stream: boolean): PreparedCall {
  let chat: Record<string, unknown>;
  try {
    chat = anthropic.messagesToChatRequest(body);
  } catch (error) {
    if (!(error instanceof anthropic.ConversionError)) throw error;
    throw new GatewayError(400, error.message, {
      code: "unsupported_content",
      param: error.param ?? null,
    });
  }
  // Usage arrives in OpenAI streams only when asked for, and the client's tokens must count.
  if (stream) chat.stream_options = { include_usage: true };
  return { endpoint: "chat", body: chat, converted: true, clientWantsUsage: true };
}

const encoder = new TextEncoder();

function finishJson(response: Response, model: string): Response {
  const headers = new Headers(response.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        const message = anthropic.chatCompletionToMessage(await response.json(), model);
        controller.enqueue(encoder.encode(JSON.stringify(message)));
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  return new Response(body, { status: response.status, headers });
}

/**
 * Converts the relayed OpenAI stream. The inner stream is always read to its end, even after
 * `message_stop`, because the relay records the request (and its usage) when that stream ends.
 */
function finishStream(response: Response, model: string, inputTokens: number): Response {
  const state = anthropic.createChatStreamState(model, inputTokens);
  const reader = parseSse(response.body ?? new Response("").body!).getReader();
  let closed = false;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        while (true) {
          const { done, value } = await reader.read();
          if (done) {
            const tail = closed ? [] : anthropic.endChatStream(state);
            if (tail.length > 0) controller.enqueue(encode(tail));
            controller.close();
            return;
          }
          if (closed) continue;
          // The relay's own mid-stream error, already rendered by `anthropicErrorEvent`.
          const out = value.event === "error"
            ? [value]
            : anthropic.chatEventToAnthropic(value, state);
          if (value.event === "error" || state.ended) closed = true;
          if (out.length > 0) {
            controller.enqueue(encode(out));
            return;
          }
        }
      } catch (error) {
        closed = true;
        controller.enqueue(encode([anthropicErrorEvent(asUpstreamError(error))]));
        // Keep reading the inner stream to its end so the relay can record the request.
        void drain(reader);
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const headers = new Headers(response.headers);
  headers.set("content-type", "text/event-stream; charset=utf-8");
  return new Response(body, { status: response.status, headers });
}

function encode(events: SseEvent[]): Uint8Array {
  return encoder.encode(events.map(formatSse).join(""));
}

async function drain(reader: ReadableStreamDefaultReader<SseEvent>): Promise<void> {
  try {
    while (!(await reader.read()).done) { /* discard */ }
  } catch {
    // The relay has already recorded whatever went wrong.
  }
}

function asUpstreamError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  return new UpstreamError(
    502,
    `Upstream stream failed: ${error instanceof Error ? error.message : error}`,
  );
}
