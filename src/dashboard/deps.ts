/**
 * What the dashboard's routes need from the gateway, passed in by `createApp`, and the per-request
 * page context (language, asset links, CSRF token) every page and JSON answer starts from.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { csrfToken } from "../admin/session.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import type { Quotas } from "../quota/quotas.ts";
import type { Assets } from "./assets.ts";
import type { PageContext } from "./components/layout.tsx";
import { LANG_COOKIE, type Locale, locale, pickLang } from "./i18n/mod.ts";
import type { OpenSessions } from "./open_sessions.ts";

export interface DashboardDeps {
  holder: GatewayHolder;
  kv: Deno.Kv;
  quotas: Quotas;
  /** This process's live figures. */
  live: { activeRequests(): number; webSocketSessions(): number };
  sessions: OpenSessions;
  /**
   * Lets the admin through (the admin backend's `adminGuard`, which also checks CSRF tokens and
   * sets the session's). @default the admin key as a bearer token only (`adminKeyOnly`)
   */
  guard?: MiddlewareHandler;
  /** @default the files beside this module */
  assets?: Assets;
  /** Wall clock, epoch ms. @default Date.now */
  now?: () => number;
}

export function localeOf(c: Context): Locale {
  return locale(pickLang(getCookie(c, LANG_COOKIE), c.req.header("accept-language")));
}

export function pageContext(c: Context, assets: Assets): PageContext {
  const url = new URL(c.req.url);
  return { loc: localeOf(c), assets, here: url.pathname + url.search, csrf: csrfToken(c) };
}
