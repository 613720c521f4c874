/**
 * Where a session's upstream WebSocket goes and what its handshake carries: the default URL (the
 * channel's base URL in `ws:`/`wss:`, plus `/realtime` or the client's checked `/proxy` path),
 * then the plugin's `openWebSocket` hook (URL, key, subprotocols), then the same origin check as
 * every HTTP call. Handshake headers are the client's minus credentials, hop-by-hop and
 * handshake headers, then the channel's `headers`, then the plugin's.
 */
import { GatewayError } from "../errors.ts";
import type { WebSocketContext, WebSocketTarget } from "../plugin/contract.ts";
import { forwardedHeaders } from "../proxy/headers.ts";
import { proxyTarget } from "../proxy/proxy_path.ts";
import { OriginError } from "../proxy/upstream_request.ts";
import type { Channel } from "../routing/channel.ts";

/** A target ready to open. */
export interface ResolvedTarget {
  url: string;
  headers: Record<string, string>;
  protocols: string[];
  messageModel?: WebSocketTarget["messageModel"];
}

/** `http(s)://…` as `ws(s)://…`; WebSocket URLs unchanged. */
export function asWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):/i, "ws$1:");
}

/** The URL the gateway would open before the plugin has its say. */
export function defaultUrl(
  channel: Channel,
  kind: WebSocketContext<unknown>["kind"],
  rawPath: string,
  query: string,
  model: string,
): URL {
  if (kind === "passthrough") {
    return new URL(asWebSocketUrl(proxyTarget(channel.info.baseUrl, rawPath, query)));
  }
  const url = new URL(asWebSocketUrl(`${channel.info.baseUrl}/realtime`));
  url.search = query;
  url.searchParams.delete("deployment");
  url.searchParams.set("model", model);
  return url;
}

/**
 * The target for `channel`, from its plugin's hook.
 * @throws {GatewayError} 400 when the plugin declares no WebSocket.
 * @throws {OriginError} when the plugin's URL leaves the channel's origin (a plugin bug).
 */
export function resolveTarget(
  channel: Channel,
  ctx: WebSocketContext<unknown>,
  clientHeaders: Readonly<Record<string, string>>,
): ResolvedTarget {
  const open = channel.plugin.openWebSocket;
  if (!open) throw noWebSocket(channel);
  const target = open(ctx);
  const url = asWebSocketUrl(typeof target.url === "string" ? target.url : target.url.href);
  assertOnWebSocketOrigin(channel, url);
  const headers = { ...clientHeaders };
  for (const [name, value] of Object.entries(channel.config.headers)) {
    headers[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(target.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  return {
    url,
    headers,
    protocols: target.protocols ?? [...ctx.protocols],
    messageModel: target.messageModel,
  };
}

/** The refusal for a channel whose plugin cannot open a WebSocket. */
export function noWebSocket(channel: Channel): GatewayError {
  return new GatewayError(
    400,
    `Channel "${channel.name}" cannot be used over WebSocket: plugin "${channel.plugin.name}" ` +
      "declares no openWebSocket hook",
    { code: "websocket_unsupported" },
  );
}

/** Headers the handshake itself owns, or that would tell the upstream about the browser page. */
const HANDSHAKE_OWNED = /^(sec-websocket-|origin$)/;

/**
 * The client's handshake headers that may go upstream (and that plugins see): not credentials,
 * hop-by-hop or handshake headers (`Sec-WebSocket-Protocol` may carry the key), and not any
 * header whose value contains the gateway key, whatever its name.
 */
export function handshakeHeaders(
  client: Headers,
  token: string | undefined,
): Record<string, string> {
  const headers = forwardedHeaders(client);
  for (const [name, value] of Object.entries(headers)) {
    if (HANDSHAKE_OWNED.test(name) || (token && value.includes(token))) delete headers[name];
  }
  return headers;
}

/**
 * The URL is on the channel's origin, compared in one scheme family (`https` and `wss` are the
 * same host and port to us), by prefix as `assertOnOrigin` does, so userinfo tricks fail too.
 */
function assertOnWebSocketOrigin(channel: Channel, url: string): void {
  const origin = asWebSocketUrl(channel.origin);
  if (url.startsWith(origin + "/") || url === origin) return;
  throw new OriginError(
    `Plugin "${channel.plugin.name}" built a WebSocket URL outside channel "${channel.name}"'s origin ${channel.origin}`,
  );
}
