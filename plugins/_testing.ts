/**
 * Test helpers for plugin unit tests: a channel and request context as the gateway builds them,
 * and the request/header phases run by the gateway's own `buildUpstreamRequest`, without a
 * server. Not a plugin (leading `_`).
 */
import { parseConfig } from "../src/config/load.ts";
import type { Endpoint, Plugin, RequestContext } from "../src/plugin/contract.ts";
import type { AnyPlugin } from "../src/plugin/validate.ts";
import { buildUpstreamRequest } from "../src/proxy/upstream_request.ts";
import { buildChannels, type Channel } from "../src/routing/channel.ts";

export interface ContextInit {
  options?: Record<string, unknown>;
  baseUrl?: string;
  endpoint?: Endpoint;
  model?: string;
  stream?: boolean;
  apiKey?: string;
}

/** The channel the gateway would build for `plugin` with `init`'s settings. */
export function testChannel<O, S>(plugin: Plugin<O, S>, init: ContextInit = {}): Channel {
  const baseUrl = init.baseUrl ?? plugin.defaults?.base_url ?? "http://127.0.0.1:1";
  const { config } = parseConfig("channels: []", "test.yaml", () => undefined);
  config.channels.push({
    ...parseConfig(
      `channels: [{ name: ${plugin.name}, plugin: ${plugin.name}, models: "*" }]`,
      "test.yaml",
      () => undefined,
    ).config.channels[0],
    base_url: baseUrl,
    keys: [init.apiKey ?? "sk-test"],
    options: init.options ?? {},
  });
  const built = buildChannels(config, new Map([[plugin.name, plugin as AnyPlugin]]), []);
  if (built.problems.length > 0) throw new Error(built.problems.join("; "));
  return built.channels[0];
}

/** A request context whose options went through the plugin's own schema. */
export function requestContext<O, S>(
  plugin: Plugin<O, S>,
  init: ContextInit = {},
): RequestContext<O> {
  const channel = testChannel(plugin, init);
  return {
    channel: channel.info as RequestContext<O>["channel"],
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

/** The request as sent upstream, in a shape tests can read. */
export interface ShapedRequest {
  url: URL;
  method: string;
  headers: Headers;
  /** The JSON body, parsed back. */
  body: unknown;
}

/** Runs the rewrite and access phases on `body` exactly as an attempt does. */
export async function shapeRequest<O, S>(
  plugin: Plugin<O, S>,
  ctx: RequestContext<O>,
  body: Record<string, unknown>,
): Promise<ShapedRequest> {
  const channel = testChannel(plugin, {
    options: ctx.channel.options as Record<string, unknown>,
    baseUrl: ctx.channel.baseUrl,
    apiKey: ctx.apiKey,
  });
  const endpoint = ctx.endpoint === "passthrough" ? "chat" : ctx.endpoint;
  // The context the hooks see must carry the plugin's parsed options, as in the gateway.
  const built = await buildUpstreamRequest({
    channel,
    ctx: { ...ctx, channel: channel.info, endpoint } as RequestContext<unknown> & {
      endpoint: Endpoint;
    },
    body,
  });
  return {
    url: new URL(built.url),
    method: built.method,
    headers: new Headers(built.headers as HeadersInit),
    body: typeof built.body === "string" ? JSON.parse(built.body) : built.body,
  };
}
