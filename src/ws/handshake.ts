/**
 * The client's side of the opening handshake (RFC 6455 §4.2.1), read before anything is opened
 * upstream: whether a request asks to upgrade at all, whether it is a handshake Deno can complete,
 * and which subprotocols it offers — one of which may be a gateway key, in the
 * `openai-insecure-api-key.<key>` form browsers use because they cannot set headers (OpenAI's
 * SDK offers `["realtime", "openai-insecure-api-key.<key>"]`; openai-node
 * `src/realtime/websocket.ts`).
 */
import { GatewayError } from "../errors.ts";

/** The subprotocol prefix that carries a key (OpenAI's browser convention). */
export const KEY_PROTOCOL_PREFIX = "openai-insecure-api-key.";

/** Whether `request` asks for a WebSocket (`GET` with `Upgrade: websocket`). */
export function isWebSocketUpgrade(request: Request): boolean {
  if (request.method !== "GET") return false;
  const upgrade = request.headers.get("upgrade");
  return upgrade !== null && upgrade.toLowerCase().split(",").some((p) => p.trim() === "websocket");
}

/**
 * Refuses a handshake Deno could not complete, before an upstream is opened for it.
 * @throws {GatewayError} 426 for another protocol version (RFC 6455 §4.4 names the one we speak),
 * 400 for a missing key.
 */
export function checkHandshake(headers: Headers): void {
  const version = headers.get("sec-websocket-version");
  if (version?.trim() !== "13") {
    throw new GatewayError(
      426,
      `Unsupported WebSocket version ${JSON.stringify(version ?? "")}: only 13 is spoken`,
      { code: "invalid_websocket_handshake", headers: { "sec-websocket-version": "13" } },
    );
  }
  if (!headers.get("sec-websocket-key")) {
    throw new GatewayError(400, "Invalid WebSocket handshake: Sec-WebSocket-Key is missing", {
      code: "invalid_websocket_handshake",
    });
  }
}

export interface OfferedProtocols {
  /** What the client offered, in its order, key-carrying entries removed. */
  protocols: string[];
  /** The key from an `openai-insecure-api-key.<key>` entry, if one was offered. */
  token?: string;
}

/** Splits `Sec-WebSocket-Protocol` (a comma-separated list) and takes out any key entry. */
export function offeredProtocols(headers: Headers): OfferedProtocols {
  const offered: OfferedProtocols = { protocols: [] };
  for (const entry of (headers.get("sec-websocket-protocol") ?? "").split(",")) {
    const protocol = entry.trim();
    if (protocol === "") continue;
    if (protocol.startsWith(KEY_PROTOCOL_PREFIX)) {
      offered.token ??= protocol.slice(KEY_PROTOCOL_PREFIX.length) || undefined;
    } else offered.protocols.push(protocol);
  }
  return offered;
}

/**
 * The subprotocol to answer the client with: the one the upstream chose when the client offered
 * it too, else the client's first (a browser that offered subprotocols fails a handshake that
 * picks none, per the WHATWG WebSocket standard), else none. Never a key entry: the answer is a
 * response header, and keys never appear in responses.
 */
export function answeredProtocol(offered: readonly string[], upstream: string): string | undefined {
  if (upstream !== "" && offered.includes(upstream)) return upstream;
  return offered[0];
}
