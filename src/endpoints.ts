/**
 * The one table of client endpoints: the path an upstream serves each at (relative to a channel's
 * `base_url`), the schema its request body must pass, whether it streams, and what a channel
 * that lacks it natively may serve it as. The plugin contract, request validation, routing,
 * attempts, the Azure plugin and the plugin test helper all derive from this table, so adding a
 * client API is a folder under `src/ingress/` plus a row here.
 */
import type { z } from "zod";
import { MessagesRequest } from "./formats/anthropic/request.ts";
import { ChatCompletionRequest, CompletionRequest, EmbeddingRequest } from "./formats/openai.ts";

interface EndpointSpec {
  /** Path under the channel's `base_url`. */
  readonly path: string;
  readonly schema: z.ZodType;
  /** Requests may ask for a server-sent event stream. */
  readonly streams: boolean;
  /**
   * Answers are OpenAI chunk streams (ending in `[DONE]`, usage in a `choices: []` chunk), so a
   * channel that serves only one of stream and non-stream can be served in the other mode.
   */
  readonly openAIStream: boolean;
  /** A channel without this endpoint may serve it through that one, converted per attempt. */
  readonly convertsTo?: string;
}

export const ENDPOINTS = {
  chat: {
    path: "/chat/completions",
    schema: ChatCompletionRequest,
    streams: true,
    openAIStream: true,
  },
  completions: {
    path: "/completions",
    schema: CompletionRequest,
    streams: true,
    openAIStream: true,
  },
  embeddings: {
    path: "/embeddings",
    schema: EmbeddingRequest,
    streams: false,
    openAIStream: false,
  },
  messages: {
    path: "/messages",
    schema: MessagesRequest,
    streams: true,
    openAIStream: false,
    convertsTo: "chat",
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

/** How a channel serving `native` can take a request for `endpoint`, if at all. */
export function servedAs(native: ReadonlySet<Endpoint>, endpoint: Endpoint): Endpoint | undefined {
  if (native.has(endpoint)) return endpoint;
  const fallback = (ENDPOINTS[endpoint] as EndpointSpec).convertsTo;
  return isEndpoint(fallback) && native.has(fallback) ? fallback : undefined;
}
