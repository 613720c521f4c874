/**
 * Who may use `/admin/*` and `/dashboard`: a request with the admin key in a header (API
 * clients, scripts), or a browser with a session cookie from `POST /admin/login`.
 *
 * The cookie holds a random id only; the session (and its CSRF token) is in KV with a TTL, so it
 * holds across instances and restarts. It is `HttpOnly; SameSite=Strict; Path=/`, and `Secure`
 * under a `__Host-` name when the browser came over HTTPS. A session's state-changing requests
 * must echo its CSRF token and come from this origin (`csrf.ts`); key-authenticated ones need
 * neither. Wrong keys count against the client's address (`throttle.ts`).
 *
 * For the dashboard:
 * ```ts
 * app.use("/dashboard/*", admin.guard);               // the same guard /admin/* uses
 * app.post("/dashboard/x", (c) => …);                 // CSRF already checked here
 * <form method="post">{csrfField(c)}…</form>          // or fetch(…, {headers: {"x-csrf-token": csrfToken(c)}})
 * ```
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { presentedToken } from "../auth/token.ts";
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { createSession, deleteSession, readSession } from "../store/sessions.ts";
import { isAdminKey, requireAdminEnabled } from "./auth.ts";
import { clientAddress, isHttps, type RemoteAddress } from "./client.ts";
import { checkCsrfToken, checkSameOrigin, CSRF_FIELD, CSRF_HEADER, isSafeMethod } from "./csrf.ts";
import type { LoginThrottle } from "./throttle.ts";

export { CSRF_FIELD, CSRF_HEADER };

/** How long a login lasts (absolute, not sliding). */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** The largest body an admin or dashboard request may send. */
export const ADMIN_BODY_LIMIT = 64 * 1024;
/** Where a browser without a session is sent: the dashboard's login page (a bare one is at
 * `GET /admin/login` for apps without the dashboard). */
export const DEFAULT_LOGIN_PAGE = "/dashboard/login";

/** What the guard learnt, in the context as `c.get("admin")`. */
export interface AdminIdentity {
  /** How the request proved it is the admin. */
  via: "key" | "session";
  /** The session's CSRF token (sessions only). */
  csrf?: string;
  /** Epoch ms the session ends (sessions only). */
  expiresAt?: number;
}

/** Everything the guard and the login routes share. */
export interface AdminAuth {
  holder: GatewayHolder;
  kv: Deno.Kv;
  remoteAddress: RemoteAddress;
  throttle: LoginThrottle;
  /** Where browsers log in (a page whose form posts to `/admin/login`). */
  loginPage: string;
  /** Epoch ms. */
  now: () => number;
}

/**
 * Middleware for `/admin/*` and `/dashboard/*`: lets the admin through (setting
 * `c.get("admin")`), refuses everyone else with 401, or sends a browser asking for a page to the
 * login page (303, with `?next=`). Bodies over {@link ADMIN_BODY_LIMIT} get 413.
 * @throws {GatewayError} 401, 403 (`admin_disabled`, `csrf_failed`), 413, 429
 */
export function adminGuard(auth: AdminAuth): MiddlewareHandler {
  const limit = adminBodyLimit();
  return async function adminGuard(c, next) {
    requireAdminEnabled(auth.holder.current.config.admin.key);
    const token = presentedToken(c.req.raw.headers);
    if (token !== undefined) {
      await checkAdminKey(c, auth, token);
      c.set("admin", { via: "key" } satisfies AdminIdentity);
      return await limit(c, next);
    }
    const id = getCookie(c, sessionCookieName(isHttps(c, auth.remoteAddress)));
    const session = id ? await readSession(auth.kv, id, auth.now()) : undefined;
    if (session) {
      const identity: AdminIdentity = {
        via: "session",
        csrf: session.csrf,
        expiresAt: session.expires_at,
      };
      c.set("admin", identity);
      if (isSafeMethod(c.req.method)) return await next();
      return await limit(c, async () => {
        checkSameOrigin(c, isHttps(c, auth.remoteAddress));
        checkCsrfToken(session.csrf, await presentedCsrf(c));
        await next();
      });
    }
    if (wantsPage(c)) return c.redirect(loginUrl(auth.loginPage, c.req.url), 303);
    throw new GatewayError(
      401,
      `Missing admin key: send it as 'Authorization: Bearer <key>', or log in at ${auth.loginPage}`,
      { code: "missing_api_key" },
    );
  };
}

/** Refuses bodies over {@link ADMIN_BODY_LIMIT} with 413, declared or streamed. */
export function adminBodyLimit(): MiddlewareHandler {
  return bodyLimit({
    maxSize: ADMIN_BODY_LIMIT,
    onError: () => {
      throw new GatewayError(413, `Request body exceeds the limit of ${ADMIN_BODY_LIMIT} bytes`, {
        code: "request_too_large",
      });
    },
  });
}

/**
 * Checks a presented admin key, counting a wrong one against the client's address.
 * @throws {GatewayError} 401 for a wrong key, 429 while the address is locked out.
 */
export async function checkAdminKey(c: Context, auth: AdminAuth, token: string): Promise<void> {
  const address = clientAddress(c, auth.remoteAddress);
  const { failures } = await auth.throttle.check(address);
  if (!isAdminKey(auth.holder.current.config.admin.key, token)) {
    await auth.throttle.failed(address);
    throw new GatewayError(401, "Incorrect admin key", { code: "invalid_api_key" });
  }
  await auth.throttle.succeeded(address, failures);
}

/** The session cookie's name: `__Host-` prefixed (so `Secure`, host-only) over HTTPS. */
export function sessionCookieName(https: boolean): string {
  return https ? "__Host-sluice_session" : "sluice_session";
}

/** Starts a session and sets its cookie; returns its CSRF token and end (epoch ms). */
export async function startSession(
  c: Context,
  auth: AdminAuth,
): Promise<{ csrf: string; expiresAt: number }> {
  const { id, session } = await createSession(auth.kv, SESSION_TTL_MS, auth.now());
  const https = isHttps(c, auth.remoteAddress);
  setCookie(c, sessionCookieName(https), id, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: https,
    maxAge: SESSION_TTL_MS / 1000,
  });
  return { csrf: session.csrf, expiresAt: session.expires_at };
}

/** Ends the request's session, if it has one, and clears its cookie. */
export async function endSession(c: Context, auth: AdminAuth): Promise<void> {
  const https = isHttps(c, auth.remoteAddress);
  const name = sessionCookieName(https);
  const id = getCookie(c, name);
  if (id) await deleteSession(auth.kv, id);
  deleteCookie(c, name, { path: "/", secure: https, httpOnly: true, sameSite: "Strict" });
}

/** What the guard let through, if it ran. */
export function adminIdentity(c: Context): AdminIdentity | undefined {
  return c.get("admin") as AdminIdentity | undefined;
}

/** The session's CSRF token, for forms and `fetch` calls; "" for key-authenticated requests. */
export function csrfToken(c: Context): string {
  return adminIdentity(c)?.csrf ?? "";
}

/** `<input type="hidden" name="_csrf" value="…">`, for every form that posts. */
export function csrfField(c: Context): HtmlEscapedString {
  // The token is base64url, so it needs no escaping; anything else is dropped all the same.
  const token = csrfToken(c).replace(/[^\w-]/g, "");
  return raw(`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`);
}

/** The token from the header, or from an urlencoded or multipart form's field. */
async function presentedCsrf(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header("content-type")?.split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") {
    return undefined;
  }
  // Hono caches the parsed body, so the route reads it again for free.
  const value = (await c.req.parseBody())[CSRF_FIELD];
  return typeof value === "string" ? value : undefined;
}

/** A browser navigating to a page (rather than a script calling the API). */
function wantsPage(c: Context): boolean {
  return (c.req.method === "GET" || c.req.method === "HEAD") &&
    (c.req.header("accept") ?? "").includes("text/html");
}

/** The login page with `?next=` set to where the browser was going (a local path only). */
export function loginUrl(loginPage: string, requested: string): string {
  const url = new URL(requested);
  return `${loginPage}?next=${encodeURIComponent(url.pathname + url.search)}`;
}

/** `next` when it is a path on this server (as the URL API writes it), else `/dashboard`: never
 * an open redirect, never markup. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 512 || !/^\/(?![/\\])/.test(next)) {
    return "/dashboard";
  }
  try {
    const url = new URL(next, "http://sluice.invalid");
    if (url.origin !== "http://sluice.invalid") return "/dashboard";
    return url.pathname + url.search;
  } catch {
    return "/dashboard";
  }
}
