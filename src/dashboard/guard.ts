/**
 * Who may see the dashboard: the admin, as the admin backend's guard decides (`adminGuard` in
 * `src/admin/session.ts`: the session cookie from `POST /admin/login`, or the admin key as a
 * bearer token). This wrapper only decides what a refusal looks like here: a page request is
 * sent to the dashboard's login page (303, with where it was going), whatever its `Accept`
 * header; a `/dashboard/api` request gets a 401 JSON answer, since a script cannot follow a
 * redirect to a form.
 */
import type { MiddlewareHandler } from "hono";
import { verifyAdmin } from "../admin/auth.ts";
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";

export const LOGIN_PAGE = "/dashboard/login";

/** The admin key as a bearer token, and nothing else: for apps built without sessions. */
export function adminKeyOnly(holder: GatewayHolder): MiddlewareHandler {
  return async function adminKeyOnly(c, next) {
    verifyAdmin(holder, c.req.raw.headers);
    await next();
  };
}

/** A path inside the dashboard worth coming back to after login; anything else is `/dashboard`. */
export function safeNext(value: string | undefined): string {
  if (!value || value.length > 512 || !value.startsWith("/dashboard") || value.includes("\\")) {
    return "/dashboard";
  }
  try {
    const url = new URL(value, "http://sluice.invalid");
    if (url.origin !== "http://sluice.invalid" || !/^\/dashboard(\/|$)/.test(url.pathname)) {
      return "/dashboard";
    }
    if (url.pathname.startsWith("/dashboard/api") || url.pathname === LOGIN_PAGE) {
      return "/dashboard";
    }
    return url.pathname + url.search;
  } catch {
    return "/dashboard";
  }
}

export function dashboardGuard(admin: MiddlewareHandler): MiddlewareHandler {
  return async function dashboardGuard(c, next) {
    let refused: GatewayError | undefined;
    let passed = false;
    let answer: Response | void = undefined;
    try {
      answer = await admin(c, async () => {
        passed = true;
        await next();
      });
    } catch (error) {
      // Only the guard's own refusal: what the page itself throws goes on to `onError`.
      if (
        passed || !(error instanceof GatewayError) || (error.status !== 401 && error.status !== 403)
      ) throw error;
      refused = error;
    }
    if (passed) return answer;
    if (c.req.path.startsWith("/dashboard/api/")) {
      const message = refused?.message ?? "Sign in to the dashboard";
      return c.json({ error: { message, code: refused?.code ?? "unauthorized" } }, 401);
    }
    const url = new URL(c.req.url);
    const back = encodeURIComponent(safeNext(url.pathname + url.search));
    const problem = refused?.code === "admin_disabled" ? "&error=admin_disabled" : "";
    return c.redirect(`${LOGIN_PAGE}?next=${back}${problem}`, 303);
  };
}
