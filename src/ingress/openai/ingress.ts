/** The OpenAI dialect: what the client sent is what the channel gets, bytes included. */
import type { Endpoint } from "../../endpoints.ts";
import { estimatePromptTokens, estimateTokens } from "../../formats/tokens.ts";
import type { Ingress, PreparedCall } from "../ingress.ts";
import { openAIErrorEvent } from "./errors.ts";

export function openAIIngress(
  endpoint: Endpoint,
  body: Record<string, unknown>,
  rawBody: string,
  clientWantsUsage: boolean,
): Ingress {
  const call: PreparedCall = { endpoint, body, rawBody, converted: false, clientWantsUsage };
  return {
    endpoint,
    estimatePromptTokens: () =>
      Array.isArray(body.messages)
        ? estimatePromptTokens(body.messages)
        : estimateTokens(JSON.stringify(body.prompt ?? body.input ?? "")),
    prepare: () => call,
    finish: (answer) => answer,
    streamConverter: () => undefined,
    errorEvent: openAIErrorEvent,
  };
}
