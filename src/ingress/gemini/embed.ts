/**
 * The Gemini dialect's `embedContent` and `batchEmbedContents`: native to channels that serve
 * them, converted to OpenAI's `/embeddings` for the rest (one input per content) and the vectors
 * converted back. A batch must name the URL's model in every request, as Gemini requires.
 */
import { GatewayError } from "../../errors.ts";
import type {
  BatchEmbedContentsBody,
  EmbedContentBody,
} from "../../formats/gemini/client_requests.ts";
import { embedToEmbeddings } from "../../formats/gemini/embed_to_embeddings.ts";
import {
  embeddingsToBatchEmbed,
  embeddingsToEmbed,
} from "../../formats/gemini/embeddings_to_embed.ts";
import type { Channel } from "../../routing/channel.ts";
import type { Ingress, PreparedCall } from "../ingress.ts";
import { estimateContentTokens } from "./count_tokens.ts";
import { geminiErrorEvent } from "./errors.ts";

/** Which method, and the client's body read in lowerCamelCase (`snake_to_camel.ts`). */
export type EmbedCall =
  | { endpoint: "embed_content"; body: EmbedContentBody }
  | { endpoint: "batch_embed_contents"; body: BatchEmbedContentsBody };

/** @param client the client's body as it came, sent as is to channels that serve the method. */
export function embedIngress(
  call: EmbedCall,
  client: Record<string, unknown>,
  rawBody: string,
  model: string,
): Ingress {
  const { endpoint } = call;
  const items = call.endpoint === "embed_content" ? [call.body] : call.body.requests;
  if (call.endpoint === "batch_embed_contents") checkBatchModels(call.body, model);
  const native: PreparedCall = {
    endpoint,
    body: client,
    rawBody,
    converted: false,
    clientWantsUsage: false,
  };
  let converted: PreparedCall | undefined;
  return {
    endpoint,
    estimatePromptTokens: () => estimateContentTokens(items.map((item) => item.content)),
    prepare(channel: Channel) {
      if (channel.endpoints.has(endpoint)) return native;
      return converted ??= {
        endpoint: "embeddings",
        body: embedToEmbeddings(items, model, endpoint === "embed_content" ? "" : "requests"),
        converted: true,
        clientWantsUsage: false,
      };
    },
    finish: (answer) =>
      endpoint === "embed_content" ? embeddingsToEmbed(answer) : embeddingsToBatchEmbed(answer),
    streamConverter: () => undefined,
    errorEvent: geminiErrorEvent,
  };
}

/** Every request of a batch names the model of the URL (`models/` prefix optional). */
function checkBatchModels(body: BatchEmbedContentsBody, model: string): void {
  body.requests.forEach((request, i) => {
    if (request.model.replace(/^models\//, "") === model) return;
    throw new GatewayError(
      400,
      `requests[${i}].model: "${request.model}" does not match the model in the URL ` +
        `"models/${model}"`,
      { code: "invalid_request_body", param: `requests[${i}].model` },
    );
  });
}
