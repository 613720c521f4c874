/**
 * Cross-site request forgery defences for requests a browser session makes (OWASP CSRF
 * Prevention Cheat Sheet): a synchronizer token tied to the session, sent back in a form field
 * or the `x-csrf-token` header and compared in constant time; and, when the browser says where
 * the request comes from (`Sec-Fetch-Site`, `Origin`), that it comes from this origin. Requests
 * made with the admin key in a header need none of this: a browser cannot be made to add it.
 */
import type { Context } from "hono";
import { timingSafeEqual } from "node:crypto";
import { digest } from "../auth/key_ring.ts";
import { GatewayError } from "../errors.ts";

/** The form field that carries the token. */
export const CSRF_FIELD = "_csrf";
/** The header that carries the token (for `fetch` calls). */
export const CSRF_HEADER = "x-csrf-token";

/** GET, HEAD and OPTIONS change nothing. */
export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

/**
 * Refuses a request the browser marks as coming from elsewhere. `Sec-Fetch-Site: none` (typed or
 * bookmarked) is let through; an `Origin` must be this server's, scheme and host.
 * @throws {GatewayError} 403 `csrf_failed`
 */
export function checkSameOrigin(c: Context, https: boolean): void {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    throw csrfError(`Cross-site request refused (Sec-Fetch-Site: ${JSON.stringify(site)})`);
  }
  const origin = c.req.header("origin");
  if (origin === undefined) return;
  const expected = `${https ? "https" : "http"}://${new URL(c.req.url).host}`;
  if (origin.toLowerCase() !== expected.toLowerCase()) {
    throw csrfError(
      `Cross-origin request refused (Origin ${JSON.stringify(origin.slice(0, 200))})`,
    );
  }
}

/**
 * Checks the token a state-changing request presents against the session's.
 * @throws {GatewayError} 403 `csrf_failed`
 */
export function checkCsrfToken(expected: string, presented: string | undefined): void {
  if (!presented) {
    throw csrfError(
      `Missing CSRF token: send the "${CSRF_FIELD}" form field or the ${CSRF_HEADER} header`,
    );
  }
  if (!timingSafeEqual(digest(expected), digest(presented))) {
    throw csrfError("Invalid CSRF token: reload the page and try again");
  }
}

function csrfError(message: string): GatewayError {
  return new GatewayError(403, message, { code: "csrf_failed" });
}
