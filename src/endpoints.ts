/**
 * The one table of client endpoints: the path an upstream serves each at (relative to a channel's
 * `base_url`), the schema its request body must pass, whether it streams, and what a channel
 * that lacks it natively may serve it as. The plugin contract, request validation, routing,
 * attempts, the Azure plugin and the plugin test helper all derive from this table, so adding a
 * client API is a folder under `src/ingress/` plus a row here.
 */
import type { z } from "zod";
import { MessagesRequest } from "./formats/anthropic/request.ts";
import {
  BatchEmbedContentsBody,
  CountTokensBody,
  EmbedContentBody,
  GenerateContentBody,
} from "./formats/gemini/client_requests.ts";
import {
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
  type Usage,
} from "./formats/openai.ts";
import { ResponsesRequest } from "./formats/responses/request.ts";
import { chatUsageOf } from "./formats/responses/usage.ts";

interface EndpointSpec {
  /** Path under the channel's `base_url`. */
  readonly path: string;
  readonly schema: z.ZodType;
  /** Requests may ask for a server-sent event stream. */
  readonly streams: boolean;
  /**
   * The answer is generated text, its length capped by the request's `max_tokens` (or the
   * dialect's name for it); false for embeddings and token counts. Quotas reserve by it.
   */
  readonly generates: boolean;
  /**
   * Answers are OpenAI chunk streams (ending in `[DONE]`, usage in a `choices: []` chunk), so a
   * channel that serves only one of stream and non-stream can be served in the other mode.
   */
  readonly openAIStream: boolean;
  /** A channel without this endpoint may serve it through that one, converted per attempt. */
  readonly convertsTo?: string;
  /**
   * Usage in chat's shape from a native answer or stream event, for endpoints whose usage is not
   * OpenAI chat's `usage` (a plugin's `extractUsage` comes first).
   */
  readonly readUsage?: (answer: unknown) => Usage | undefined;
}

export const ENDPOINTS = {
  chat: {
    path: "/chat/completions",
    schema: ChatCompletionRequest,
    streams: true,
    generates: true,
    openAIStream: true,
  },
  completions: {
    path: "/completions",
    schema: CompletionRequest,
    streams: true,
    generates: true,
    openAIStream: true,
  },
  embeddings: {
    path: "/embeddings",
    schema: EmbeddingRequest,
    streams: false,
    generates: false,
    openAIStream: false,
  },
  messages: {
    path: "/messages",
    schema: MessagesRequest,
    streams: true,
    generates: true,
    openAIStream: false,
    convertsTo: "chat",
  },
  // Gemini's methods name the model in the path (`models/{model}:generateContent`), which a
  // static path cannot hold: the Gemini plugin builds their URLs itself (`gemini.modelPath`).
  generate_content: {
    path: "/models/{model}:generateContent",
    schema: GenerateContentBody,
    streams: true,
    generates: true,
    openAIStream: false,
    convertsTo: "chat",
  },
  count_tokens: {
    path: "/models/{model}:countTokens",
    schema: CountTokensBody,
    streams: false,
    generates: false,
    openAIStream: false,
  },
  embed_content: {
    path: "/models/{model}:embedContent",
    schema: EmbedContentBody,
    streams: false,
    generates: false,
    openAIStream: false,
    convertsTo: "embeddings",
  },
  batch_embed_contents: {
    path: "/models/{model}:batchEmbedContents",
    schema: BatchEmbedContentsBody,
    streams: false,
    generates: false,
    openAIStream: false,
    convertsTo: "embeddings",
  },
  responses: {
    path: "/responses",
    schema: ResponsesRequest,
    streams: true,
    generates: true,
    openAIStream: false,
    convertsTo: "chat",
    readUsage: chatUsageOf,
  },
} as const satisfies Record<string, EndpointSpec>;

/** What the client asked for, in the gateway's terms. */
export type Endpoint = keyof typeof ENDPOINTS;

/** The request body of `E`, as its schema checks it. */
export type EndpointBody<E extends Endpoint> = z.infer<(typeof ENDPOINTS)[E]["schema"]>;

/** Every endpoint name, for validation messages. */
export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as Endpoint[];

/** Whether `name` is an endpoint (plugin files list them as strings). */
export function isEndpoint(name: unknown): name is Endpoint {
  return typeof name === "string" && Object.hasOwn(ENDPOINTS, name);
}

/** The endpoints a plugin serves when it does not say. */
export const DEFAULT_ENDPOINTS: readonly Endpoint[] = ["chat", "completions", "embeddings"];

/** The endpoint's own usage reader, when its usage is not chat's `usage` object. */
export function usageReader(endpoint: Endpoint): EndpointSpec["readUsage"] {
  return (ENDPOINTS[endpoint] as EndpointSpec).readUsage;
}

/** How a channel serving `native` can take a request for `endpoint`, if at all. */
export function servedAs(native: ReadonlySet<Endpoint>, endpoint: Endpoint): Endpoint | undefined {
  if (native.has(endpoint)) return endpoint;
  const fallback = (ENDPOINTS[endpoint] as EndpointSpec).convertsTo;
  return isEndpoint(fallback) && native.has(fallback) ? fallback : undefined;
}
