/**
 * The Gemini dialect's `generateContent` / `streamGenerateContent`. A channel that serves Gemini's
 * API natively gets the client's request as it came (the plugin puts the model in the URL) and
 * its answer, whole or streamed, goes back unchanged; any other channel is called with OpenAI
 * chat, and its answer converted back, stream events one at a time. An answer that is not a chat
 * completion fails over before any status is sent.
 */
import { z } from "zod";
import { UpstreamError } from "../../errors.ts";
import {
  chatEventToGenerate,
  createChatStreamState,
  endChatStream,
} from "../../formats/gemini/chat_stream_to_generate.ts";
import { chatToGenerate } from "../../formats/gemini/chat_to_generate.ts";
import type { GenerateContentBody } from "../../formats/gemini/client_requests.ts";
import { generateToChat } from "../../formats/gemini/generate_to_chat.ts";
import { snakeToCamel } from "../../formats/gemini/snake_to_camel.ts";
import type { Channel } from "../../routing/channel.ts";
import type { Ingress, PreparedCall } from "../ingress.ts";
import { estimateContentTokens } from "./count_tokens.ts";
import { geminiErrorEvent } from "./errors.ts";

/** The least a chat answer must be for a Gemini response to be made of it. */
const ChatAnswer = z.looseObject({
  choices: z.array(z.looseObject({ message: z.looseObject({}).nullish() })).min(1),
});

/**
 * @param client the client's body as it came (checked by `CLIENT_INPUT.generate`), sent as is to
 * Gemini channels and read in lowerCamelCase for the rest.
 */
export function generateIngress(
  client: Record<string, unknown>,
  rawBody: string,
  model: string,
  stream: boolean,
): Ingress {
  const native: PreparedCall = {
    endpoint: "generate_content",
    body: client,
    rawBody,
    converted: false,
    clientWantsUsage: false,
  };
  let camel: GenerateContentBody | undefined;
  const body = () => camel ??= snakeToCamel(client) as GenerateContentBody;
  let converted: PreparedCall | undefined;
  let tokens: number | undefined;
  // Gemini sends thought text only to a client that asks for it.
  const includeThoughts = () => body().generationConfig?.thinkingConfig?.includeThoughts === true;
  return {
    endpoint: "generate_content",
    estimatePromptTokens: () => tokens ??= estimateContentTokens(body().contents, body()),
    prepare(channel: Channel) {
      if (channel.endpoints.has("generate_content")) return native;
      return converted ??= {
        endpoint: "chat",
        body: generateToChat(body(), { model, stream }),
        converted: true,
        clientWantsUsage: true,
      };
    },
    finish(answer, _call, answerModel) {
      const parsed = ChatAnswer.safeParse(answer);
      if (!parsed.success) {
        throw new UpstreamError(502, "Upstream sent an answer that is not a chat completion");
      }
      return chatToGenerate(parsed.data, {
        model: answerModel,
        includeThoughts: includeThoughts(),
      });
    },
    streamConverter(_call, answerModel) {
      const state = createChatStreamState(answerModel, includeThoughts());
      return {
        convert: (event) => chatEventToGenerate(event, state),
        end: () => endChatStream(state),
      };
    },
    errorEvent: geminiErrorEvent,
  };
}
