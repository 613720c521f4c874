/**
 * The admin key check: `admin.key` is the key itself or `sha256:<hex>` of it, and what a client
 * presents is hashed and compared with it in constant time, so neither the config file nor the
 * response time gives the key away.
 */
import { timingSafeEqual } from "node:crypto";
import { digest, keyDigest } from "../auth/key_ring.ts";
import { presentedToken } from "../auth/token.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { GatewayError } from "../errors.ts";

/** Whether `token` is the key `configured` names (the key, or `sha256:<64 hex>`). */
export function isAdminKey(configured: string, token: string): boolean {
  const expected = keyDigest(configured);
  return expected !== undefined && timingSafeEqual(digest(token), expected);
}

/**
 * Refuses every admin request while `admin.key` is empty.
 * @throws {GatewayError} 403 `admin_disabled`
 */
export function requireAdminEnabled(configured: string): void {
  if (!configured) {
    throw new GatewayError(403, "The admin API is disabled: set admin.key in the config", {
      code: "admin_disabled",
    });
  }
}

/**
 * Checks the admin key in `headers` (no sessions: for `/health?probe=1`).
 * @throws {GatewayError} 403 when the admin API is off, 401 for a missing or wrong key.
 */
export function verifyAdmin(holder: GatewayHolder, headers: Headers): void {
  const expected = holder.current.config.admin.key;
  requireAdminEnabled(expected);
  const token = presentedToken(headers);
  if (!token) throw new GatewayError(401, "Missing admin key", { code: "missing_api_key" });
  if (!isAdminKey(expected, token)) {
    throw new GatewayError(401, "Incorrect admin key", { code: "invalid_api_key" });
  }
}
