/** Guards `/admin/*` with `admin.key`, compared in constant time. */
import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "node:crypto";
import { createHash } from "node:crypto";
import { presentedToken } from "../auth/token.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { GatewayError } from "../http/errors.ts";

const digest = (s: string) => createHash("sha256").update(s).digest();

export function adminAuth(holder: GatewayHolder): MiddlewareHandler {
  return async function adminAuth(c, next) {
    const expected = holder.current.config.admin.key;
    if (!expected) {
      throw new GatewayError(403, "The admin API is disabled: set admin.key in the config", {
        code: "admin_disabled",
      });
    }
    const token = presentedToken(c.req.raw.headers);
    if (!token) throw new GatewayError(401, "Missing admin key", { code: "missing_api_key" });
    if (!timingSafeEqual(digest(token), digest(expected))) {
      throw new GatewayError(401, "Incorrect admin key", { code: "invalid_api_key" });
    }
    await next();
  };
}
