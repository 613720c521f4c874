/**
 * The OpenAI Responses dialect (`POST /v1/responses`). A channel whose plugin serves Responses
 * (OpenAI, Azure) gets the client's request as it came, bytes included, and its answer goes back
 * unchanged; any other channel is called with OpenAI chat, and its answer, whole or streamed,
 * converted back (`src/formats/responses/`). Conversion is per attempt, so failover may cross
 * kinds.
 *
 * A follow-up (`previous_response_id`) arrives here already resolved by the route: pinned to the
 * channel that stores the previous response, or with that response's conversation as `history`,
 * which is expanded into the input (for a native channel too, which never saw it).
 */
import { z } from "zod";
import { GatewayError, UpstreamError } from "../../errors.ts";
import { chatToResponse } from "../../formats/responses/chat_to_response.ts";
import {
  chatEventToResponses,
  type ChatToEventsState,
  createChatToEventsState,
  endChatToEvents,
  failChatToEvents,
} from "../../formats/responses/chat_stream_to_events.ts";
import { ConversionError } from "../../formats/responses/errors.ts";
import {
  type Item,
  itemsById,
  itemsForNative,
  normalizeInput,
} from "../../formats/responses/input_items.ts";
import { requestToChat } from "../../formats/responses/request_to_chat.ts";
import type { ResponsesRequest } from "../../formats/responses/request.ts";
import { type ResponseObject, responseShell } from "../../formats/responses/response.ts";
import { estimatePromptTokens, estimateTokens } from "../../formats/tokens.ts";
import { sseJson } from "../../sse/event.ts";
import type { Channel } from "../../routing/channel.ts";
import type { Ingress, PreparedCall } from "../ingress.ts";

/** The least a chat answer must be for a Response to be made of it. */
const ChatAnswer = z.looseObject({
  choices: z.array(z.looseObject({ message: z.looseObject({}).nullish() })).min(1),
});

export interface ResponsesCallInit {
  body: ResponsesRequest;
  rawBody: string;
  stream: boolean;
  /** The conversation before `input`: an emulated previous response's input and output. */
  history?: Item[];
  /** The channel that stores the previous response natively. */
  pinnedChannel?: string;
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
}

/** What the route needs to know after the attempt, to store the response. */
export interface ResponsesIngress extends Ingress {
  /** The channel of the last prepared attempt (the one that answered), and how it was called. */
  served(): { channel: string; native: boolean } | undefined;
  /** Every item the model sees: history, then the normalised input. */
  items(): Item[];
  /** The Response a converted answer became, once whole (streams: once ended). */
  finalResponse(): ResponseObject | undefined;
}

export function responsesIngress(init: ResponsesCallInit): ResponsesIngress {
  const { body, stream } = init;
  const now = init.now ?? Date.now;
  let items: Item[] | undefined;
  const allItems = () => items ??= [...init.history ?? [], ...normalizeInput(body.input)];
  let native: PreparedCall | undefined;
  let converted: PreparedCall | undefined;
  let served: { channel: string; native: boolean } | undefined;
  let whole: ResponseObject | undefined;
  let streamed: ChatToEventsState | undefined;
  let tokens: number | undefined;
  return {
    endpoint: "responses",
    pinnedChannel: init.pinnedChannel,
    estimatePromptTokens: () => tokens ??= estimate(body.instructions, allItems()),
    prepare(channel: Channel) {
      served = undefined;
      whole = undefined;
      streamed = undefined;
      let call: PreparedCall;
      if (channel.endpoints.has("responses")) {
        call = native ??= nativeCall(init, allItems);
      } else call = converted ??= convertedCall(body, allItems(), stream);
      served = { channel: channel.name, native: !call.converted };
      return call;
    },
    finish(answer, _call, model) {
      if (!ChatAnswer.safeParse(answer).success) {
        throw new UpstreamError(502, "Upstream sent an answer that is not a chat completion");
      }
      return whole = chatToResponse(answer, responseShell(body, model, now()), now());
    },
    streamConverter(_call, model) {
      const state = streamed = createChatToEventsState(responseShell(body, model, now()), now);
      return {
        convert: (event) => chatEventToResponses(event, state),
        end: () => endChatToEvents(state),
      };
    },
    errorEvent(error) {
      if (streamed?.started && !streamed.ended) return failChatToEvents(streamed, error.message);
      const code = error instanceof GatewayError ? error.code : null;
      return sseJson({ type: "error", code, message: error.message, param: null }, "error");
    },
    served: () => served,
    items: allItems,
    finalResponse: () =>
      whole ??
        (streamed?.ended && streamed.response.status !== "failed" ? streamed.response : undefined),
  };
}

/** The client's request as it came; or, continuing an emulated conversation, expanded. */
function nativeCall(init: ResponsesCallInit, allItems: () => Item[]): PreparedCall {
  if (!init.history) {
    return {
      endpoint: "responses",
      body: init.body,
      rawBody: init.rawBody,
      converted: false,
      clientWantsUsage: false,
    };
  }
  const { previous_response_id: _previous, ...rest } = init.body;
  return {
    endpoint: "responses",
    body: { ...rest, input: itemsForNative(allItems()) },
    converted: false,
    clientWantsUsage: false,
  };
}

function convertedCall(body: ResponsesRequest, items: Item[], stream: boolean): PreparedCall {
  let chat: Record<string, unknown>;
  try {
    chat = requestToChat(body, items, itemsById(items));
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    throw new GatewayError(400, `${error.message}: '${error.param}'`, {
      code: "unsupported_parameter",
      param: error.param,
    });
  }
  // Usage arrives in OpenAI streams only when asked for, and the client's tokens must count.
  if (stream) chat.stream_options = { include_usage: true };
  return { endpoint: "chat", body: chat, converted: true, clientWantsUsage: true };
}

function estimate(instructions: string | null | undefined, items: Item[]): number {
  const contents = items.map((item) => ({
    content: item.content ?? item.output ?? item.arguments ?? item.summary ?? "",
  }));
  return estimateTokens(instructions ?? "") + estimatePromptTokens(contents);
}
