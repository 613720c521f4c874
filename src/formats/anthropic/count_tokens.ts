/**
 * A token estimate for `POST /v1/messages/count_tokens`, answered locally for every channel.
 * It uses the gateway's text estimate and a flat price per image or document, because their
 * base64 text says nothing about their cost (Anthropic bills an image by its pixels, at most
 * about 1,600 tokens).
 */
import { estimatePromptTokens, estimateTokens } from "../tokens.ts";
import type { CountTokensRequest } from "./request.ts";

/** Tokens charged for one image or document page, whatever its encoded size. */
export const MEDIA_TOKENS = 1_600;

/** Estimated input tokens of a Messages (or count_tokens) request. */
export function estimateMessagesTokens(body: CountTokensRequest): number {
  let media = 0;
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!value || typeof value !== "object") return value;
    const block = value as Record<string, unknown>;
    if (block.type === "image" || block.type === "document") {
      media += MEDIA_TOKENS;
      return { type: block.type };
    }
    return Object.fromEntries(Object.entries(block).map(([k, v]) => [k, strip(v)]));
  };
  const system = body.system === undefined ? [] : [{ content: body.system }];
  const messages = strip(body.messages) as { content?: unknown }[];
  const tools = body.tools ? estimateTokens(JSON.stringify(body.tools)) : 0;
  return estimatePromptTokens([...system, ...messages]) + tools + media;
}
