/**
 * Test helpers for plugin unit tests: a request context and the request/header phases run the
 * way `src/proxy/attempt.ts` runs them, without a server. Not a plugin (leading `_`).
 */
import type { Endpoint, Plugin, RequestContext, UpstreamRequest } from "../src/plugin/contract.ts";

const PATHS: Record<Endpoint, string> = {
  chat: "/chat/completions",
  completions: "/completions",
  embeddings: "/embeddings",
  messages: "/messages",
};

export interface ContextInit {
  options?: Record<string, unknown>;
  baseUrl?: string;
  endpoint?: Endpoint;
  model?: string;
  stream?: boolean;
  apiKey?: string;
}

/** A request context whose options went through the plugin's own schema. */
export function requestContext<O, S>(
  plugin: Plugin<O, S>,
  init: ContextInit = {},
): RequestContext<O> {
  const options = (plugin.options ? plugin.options.parse(init.options ?? {}) : {}) as O;
  return {
    channel: {
      name: plugin.name,
      baseUrl: init.baseUrl ?? plugin.defaults?.base_url ?? "http://127.0.0.1:1",
      options,
    },
    endpoint: init.endpoint ?? "chat",
    model: init.model ?? "m",
    requestedModel: init.model ?? "m",
    stream: init.stream ?? false,
    apiKey: init.apiKey ?? "sk-test",
    requestId: "req-test",
    clientHeaders: new Headers(),
    signal: new AbortController().signal,
  };
}

/** Builds the upstream request for `body` and runs the rewrite and access phases on it. */
export async function shapeRequest<O, S>(
  plugin: Plugin<O, S>,
  ctx: RequestContext<O>,
  body: Record<string, unknown>,
): Promise<UpstreamRequest> {
  const endpoint = ctx.endpoint === "passthrough" ? "chat" : ctx.endpoint;
  let request: UpstreamRequest = {
    url: new URL(ctx.channel.baseUrl + PATHS[endpoint]),
    method: "POST",
    headers: new Headers({ "content-type": "application/json" }),
    body: { ...body, model: ctx.model, ...(ctx.stream ? { stream: true } : {}) },
  };
  request = (await plugin.rewriteRequest?.(request, ctx)) ?? request;
  if (plugin.injectHeaders) plugin.injectHeaders(request.headers, ctx);
  else if (ctx.apiKey) request.headers.set("authorization", `Bearer ${ctx.apiKey}`);
  return request;
}
