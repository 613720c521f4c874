/**
 * Authenticates clients with their gateway key and puts the key and the gateway snapshot in the
 * Hono context. In open mode (no keys configured) only loopback clients are served, even if a
 * reload removed the last key while the server was bound wider.
 */
import type { MiddlewareHandler } from "hono";
import type { Gateway } from "../gateway/build.ts";
import { GatewayError } from "../errors.ts";
import type { RequestLog } from "../stats/request_log.ts";
import type { GatewayKey } from "./key_ring.ts";
import { geminiQueryToken, presentedToken } from "./token.ts";

export interface AuthVariables {
  gateway: Gateway;
  key: GatewayKey;
  /** The token the client presented, to scrub from whatever an upstream writes back. */
  token: string | undefined;
}

export interface GatewayAuthOptions {
  gateway(): Gateway;
  /** The client's address, for the open-mode loopback check. */
  remoteAddress(c: Parameters<MiddlewareHandler>[0]): string | undefined;
  now?: () => Date;
}

export function gatewayAuth(
  options: GatewayAuthOptions,
): MiddlewareHandler<{ Variables: AuthVariables & { log?: RequestLog } }> {
  const now = options.now ?? (() => new Date());
  return async function gatewayAuth(c, next) {
    const gateway = options.gateway();
    if (gateway.keys.open) {
      const address = options.remoteAddress(c);
      if (address !== undefined && !isLoopback(address)) {
        throw new GatewayError(
          401,
          "This gateway has no keys configured and only serves loopback clients",
          { code: "missing_api_key" },
        );
      }
    }
    c.set("gateway", gateway);
    const token = presentedToken(c.req.raw.headers) ?? geminiQueryToken(c.req.url);
    const key = gateway.keys.authenticate(token, now());
    c.set("key", key);
    c.set("token", token);
    c.get("log")?.set({ key: key.name });
    await next();
  };
}

/** Whether an IP address is this machine. */
export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address === "localhost" ||
    address.startsWith("::ffff:127.");
}
