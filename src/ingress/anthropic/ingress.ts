/**
 * The Anthropic dialect (`POST /v1/messages`). A channel that serves Messages natively gets the
 * client's request as it came (bytes included) and its answer goes back unchanged; any other
 * channel is called with OpenAI chat, and its answer, whole or streamed, converted back. An
 * answer that is not a chat completion fails over before any status is sent.
 */
import { z } from "zod";
import { GatewayError, UpstreamError } from "../../errors.ts";
import * as anthropic from "../../formats/anthropic/mod.ts";
import type { Channel } from "../../routing/channel.ts";
import type { Ingress, PreparedCall } from "../ingress.ts";
import { anthropicErrorEvent } from "./errors.ts";

/** The least a chat answer must be for a Message to be made of it. */
const ChatAnswer = z.looseObject({
  choices: z.array(z.looseObject({ message: z.looseObject({}).nullish() })).min(1),
});

export function anthropicIngress(
  body: anthropic.MessagesRequest,
  rawBody: string,
  stream: boolean,
): Ingress {
  const native: PreparedCall = {
    endpoint: "messages",
    body,
    rawBody,
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
      return converted ??= convertedCall(body, stream);
    },
    finish(answer, _call, model) {
      if (!ChatAnswer.safeParse(answer).success) {
        throw new UpstreamError(502, "Upstream sent an answer that is not a chat completion");
      }
      return anthropic.chatCompletionToMessage(answer, model);
    },
    streamConverter(_call, model) {
      const state = anthropic.createChatStreamState(model, estimate());
      return {
        convert: (event) => anthropic.chatEventToAnthropic(event, state),
        end: () => anthropic.endChatStream(state),
      };
    },
    errorEvent: anthropicErrorEvent,
  };
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
