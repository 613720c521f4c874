/**
 * Authenticates a WebSocket handshake with the same key ring, expiry and open-mode rule as HTTP,
 * before anything is opened upstream, so a refusal is an HTTP status the client can read
 * (401/403) rather than a socket that opens and dies. Browsers cannot set headers on a
 * WebSocket, so besides the HTTP headers a key may come as an `openai-insecure-api-key.<key>`
 * subprotocol (OpenAI's SDK convention), as `?key=`, or as Azure's `api-key` (header or query).
 * Wherever it came from, it is removed from what goes upstream (see `withoutCredentials` in `src/auth/token.ts`).
 */
import type { Context } from "hono";
import { authenticateClient, type GatewayAuthOptions } from "../auth/middleware.ts";
import { presentedToken } from "../auth/token.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import { offeredProtocols } from "./handshake.ts";

/** As HTTP's: the key ring, the client's address for the open-mode rule, the clock. */
export type WebSocketAuthOptions = GatewayAuthOptions;

/** The gateway key a handshake presents, from wherever a WebSocket client can put it. */
export function presentedWebSocketToken(request: Request, url: URL): string | undefined {
  return presentedToken(request.headers) ??
    (request.headers.get("api-key")?.trim() || undefined) ??
    offeredProtocols(request.headers).token ??
    (url.searchParams.get("key") || url.searchParams.get("api-key") || undefined);
}

/**
 * Authenticates `c` and sets `gateway`, `key` and `token` in its context, as the HTTP auth
 * middleware does.
 * @throws {GatewayError} 401 missing or unknown key, 403 expired key.
 */
export function authenticateWebSocket(c: Context<GatewayEnv>, options: WebSocketAuthOptions): void {
  authenticateClient(
    c,
    options,
    presentedWebSocketToken(c.req.raw, new URL(c.req.url)),
    "Missing API key: send it as 'Authorization: Bearer <key>', as a subprotocol " +
      "'openai-insecure-api-key.<key>', or as '?key=<key>'",
  );
}
