/**
 * Browser login for the admin: `POST /admin/login` with the admin key (a form, or JSON) starts a
 * session (`session.ts`); `POST /admin/logout` ends it; `GET /admin/session` says who is logged
 * in; `GET /admin/login` is a bare login form for when no dashboard provides one.
 *
 * A form that fails goes back to the login page with `?error=<code>` (a code of
 * {@link LOGIN_ERRORS}), which the page shows; a JSON login that fails gets the error as JSON.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { GatewayError } from "../errors.ts";
import { parseBody } from "../ingress/body.ts";
import { methodNotAllowed } from "../ingress/on_error.ts";
import { isHttps } from "./client.ts";
import { checkSameOrigin } from "./csrf.ts";
import {
  type AdminAuth,
  adminBodyLimit,
  adminIdentity,
  checkAdminKey,
  endSession,
  safeNext,
  startSession,
} from "./session.ts";
import { requireAdminEnabled } from "./auth.ts";

/** What `?error=` on the login page means, in English; the dashboard may translate the codes. */
export const LOGIN_ERRORS: Readonly<Record<string, string>> = {
  invalid_key: "Incorrect admin key.",
  missing_key: "Enter the admin key.",
  throttled: "Too many wrong keys from this address: wait and try again.",
  csrf_failed: "The login form came from another site and was refused.",
  admin_disabled: "The admin API is disabled: set admin.key in the config.",
};

const JsonLogin = z.strictObject({ key: z.string().min(1).max(4096) });

/** Routes that answer without a session or key (login) and the session's own (logout, whoami). */
export function loginRoutes(auth: AdminAuth): { open: Hono; guarded: Hono } {
  const open = new Hono();
  open.get("/admin/login", (c) => loginPage(c));
  open.post("/admin/login", adminBodyLimit());
  open.post("/admin/login", async (c) => {
    const form = isForm(c);
    try {
      requireAdminEnabled(auth.holder.current.config.admin.key);
      checkSameOrigin(c, isHttps(c, auth.remoteAddress));
      const { key, next } = await readLogin(c, form);
      await checkAdminKey(c, auth, key);
      const { csrf, expiresAt } = await startSession(c, auth);
      if (form) return c.redirect(safeNext(next), 303);
      return c.json({ ok: true, expires_at: new Date(expiresAt).toISOString(), csrf_token: csrf });
    } catch (error) {
      if (!form || !(error instanceof GatewayError)) throw error;
      return c.redirect(failedLoginUrl(auth.loginPage, error, await formNext(c)), 303);
    }
  });
  open.all("/admin/login", () => methodNotAllowed("GET, POST"));

  const guarded = new Hono();
  guarded.post("/admin/logout", async (c) => {
    await endSession(c, auth);
    if (isForm(c)) {
      return c.redirect(`${auth.loginPage}?logged_out=1`, 303);
    }
    return c.json({ ok: true });
  });
  guarded.all("/admin/logout", () => methodNotAllowed("POST"));
  guarded.get("/admin/session", (c) => {
    const identity = adminIdentity(c);
    return c.json({
      authenticated: true,
      via: identity?.via,
      csrf_token: identity?.csrf ?? null,
      expires_at: identity?.expiresAt ? new Date(identity.expiresAt).toISOString() : null,
    });
  });
  return { open, guarded };
}

/** A browser's form post (answered with redirects); anything else is a script (JSON). */
function isForm(c: Context): boolean {
  const type = c.req.header("content-type")?.split(";")[0].trim().toLowerCase();
  return type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
}

async function readLogin(c: Context, form: boolean): Promise<{ key: string; next?: string }> {
  if (!form) return parseBody(await c.req.text(), JsonLogin);
  const body = await c.req.parseBody();
  const key = typeof body.key === "string" ? body.key : "";
  if (key === "" || key.length > 4096) {
    throw new GatewayError(400, "Missing admin key", { code: "missing_key", param: "key" });
  }
  return { key, next: typeof body.next === "string" ? body.next : undefined };
}

/** Back to the login page, saying what went wrong (and how long to wait). */
function failedLoginUrl(loginPage: string, error: GatewayError, next: string | undefined): string {
  const code = error.status === 429
    ? "throttled"
    : error.code === "csrf_failed" || error.code === "admin_disabled" ||
        error.code === "missing_key"
    ? error.code
    : "invalid_key";
  const query = new URLSearchParams({ error: code });
  if (error.headers["retry-after"]) query.set("retry_after", error.headers["retry-after"]);
  if (next) query.set("next", safeNext(next));
  return `${loginPage}?${query}`;
}

/** The form's `next` field, if the body was a form that could be read. */
async function formNext(c: Context): Promise<string | undefined> {
  try {
    const next = (await c.req.parseBody()).next;
    return typeof next === "string" ? next : undefined;
  } catch {
    return undefined;
  }
}

/** A bare login form (no script, no external resource), escaped by `html`. */
function loginPage(c: Context): Response | Promise<Response> {
  const error = LOGIN_ERRORS[c.req.query("error") ?? ""];
  const wait = /^\d{1,6}$/.test(c.req.query("retry_after") ?? "")
    ? ` (${c.req.query("retry_after")} s)`
    : "";
  const next = safeNext(c.req.query("next"));
  c.header(
    "content-security-policy",
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  );
  c.header("cache-control", "no-store");
  c.header("referrer-policy", "no-referrer");
  return c.html(html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <title>Sluice admin login</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
      </head>
      <body style="font-family: system-ui, sans-serif; max-width: 24rem; margin: 4rem auto">
    <h1>Sluice admin</h1>
    ${error ? html`<p role="alert" style="color: #b00">${error}${wait}</p>` : ""}
    ${c.req.query("logged_out") ? html`<p>Logged out.</p>` : ""}
    <form method="post" action="/admin/login">
    <input type="hidden" name="next" value="${next}">
    <label>Admin key <input type="password" name="key" autocomplete="current-password" required autofocus></label>
    <button type="submit">Log in</button>
    </form></body>
    </html>
  `);
}
