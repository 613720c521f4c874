/**
 * Authenticates clients with their gateway key and puts the key and the gateway snapshot in the
 * Hono context. In open mode (no keys configured) only loopback clients are served, even if a
 * reload removed the last key while the server was bound wider.
 */
import type { Context, MiddlewareHandler } from "hono";
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

type AuthEnv = { Variables: AuthVariables & { log?: RequestLog } };

export function gatewayAuth(options: GatewayAuthOptions): MiddlewareHandler<AuthEnv> {
  return async function gatewayAuth(c, next) {
    authenticateClient(
      c,
      options,
      presentedToken(c.req.raw.headers) ?? geminiQueryToken(c.req.url),
    );
    await next();
  };
}

/**
 * Authenticates `token` (wherever the caller found it) for `c`: the open-mode loopback rule, then
 * the key ring; sets `gateway`, `key` and `token` in the context and the key in the request log.
 * @param missing the 401's wording when no token came and one is needed (where to put it).
 * @throws {GatewayError} 401 missing or unknown key, 403 expired key.
 */
export function authenticateClient<E extends AuthEnv>(
  c: Context<E>,
  options: GatewayAuthOptions,
  token: string | undefined,
  missing?: string,
): void {
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
  if (!token && !gateway.keys.open && missing) {
    throw new GatewayError(401, missing, { code: "missing_api_key" });
  }
  const key = gateway.keys.authenticate(token, (options.now ?? (() => new Date()))());
  c.set("key", key);
  c.set("token", token);
  c.get("log")?.set({ key: key.name });
}

/** Whether an IP address is this machine. */
export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address === "localhost" ||
    address.startsWith("::ffff:127.");
}
