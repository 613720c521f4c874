/** Guards `/admin/*` with `admin.key`, compared in constant time. */
import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "node:crypto";
import { digest } from "../auth/key_ring.ts";
import { presentedToken } from "../auth/token.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { GatewayError } from "../errors.ts";

/**
 * Checks the admin key in `headers`.
 * @throws {GatewayError} 403 when the admin API is off, 401 for a missing or wrong key.
 */
export function verifyAdmin(holder: GatewayHolder, headers: Headers): void {
  const expected = holder.current.config.admin.key;
  if (!expected) {
    throw new GatewayError(403, "The admin API is disabled: set admin.key in the config", {
      code: "admin_disabled",
    });
  }
  const token = presentedToken(headers);
  if (!token) throw new GatewayError(401, "Missing admin key", { code: "missing_api_key" });
  if (!timingSafeEqual(digest(token), digest(expected))) {
    throw new GatewayError(401, "Incorrect admin key", { code: "invalid_api_key" });
  }
}

export function adminAuth(holder: GatewayHolder): MiddlewareHandler {
  return async function adminAuth(c, next) {
    verifyAdmin(holder, c.req.raw.headers);
    await next();
  };
}
