/**
 * The page shell every dashboard page shares: landmarks (banner, navigation, main), a skip link,
 * the section menu with the current page marked, the language toggle and the logout form. Works
 * without JavaScript; the one script is deferred and only enhances.
 */
import type { Child, FC } from "hono/jsx";
import { raw } from "hono/html";
import { HTML_LANG, type Locale, type MessageKey } from "../i18n/mod.ts";
import type { Assets } from "../assets.ts";

export type PageId =
  | "overview"
  | "channels"
  | "keys"
  | "models"
  | "requests"
  | "sessions"
  | "settings";

const PAGES: readonly { id: PageId; path: string; label: MessageKey }[] = [
  { id: "overview", path: "/dashboard", label: "nav.overview" },
  { id: "channels", path: "/dashboard/channels", label: "nav.channels" },
  { id: "keys", path: "/dashboard/keys", label: "nav.keys" },
  { id: "models", path: "/dashboard/models", label: "nav.models" },
  { id: "requests", path: "/dashboard/requests", label: "nav.requests" },
  { id: "sessions", path: "/dashboard/sessions", label: "nav.sessions" },
  { id: "settings", path: "/dashboard/settings", label: "nav.settings" },
];

/** What every page knows about the request it answers. */
export interface PageContext {
  loc: Locale;
  assets: Assets;
  /** The path and query of this page, so the language toggle comes back to it. */
  here: string;
  /** The CSRF token the admin backend expects in a form's `_csrf` field ("" without sessions). */
  csrf: string;
}

export interface ShellProps {
  ctx: PageContext;
  title: string;
  /** The section in the menu, or none (the login page has no menu). */
  page?: PageId;
  /** Loads uPlot too (pages with charts). */
  charts?: boolean;
  children?: Child;
}

export const Shell: FC<ShellProps> = ({ ctx, title, page, charts, children }) => {
  const { loc, assets } = ctx;
  const other = loc.lang === "en" ? "zh" : "en";
  const toggle = `/dashboard/lang?to=${other}&back=${encodeURIComponent(ctx.here)}`;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={HTML_LANG[loc.lang]}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <link rel="icon" type="image/svg+xml" href={assets.href("icon.svg")} />
          <title>{`${title} · ${loc.t("app.title")}`}</title>
          {charts && <link rel="stylesheet" href={assets.href("uPlot.min.css")} />}
          <link rel="stylesheet" href={assets.href("app.css")} />
          {charts && <script src={assets.href("uPlot.iife.min.js")} defer></script>}
          <script src={assets.href("app.js")} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">{loc.t("app.skip")}</a>
          <header class="top" role="banner">
            <a class="brand" href="/dashboard">
              <span class="logo" aria-hidden="true">◆</span> Sluice
            </a>
            <div class="tools">
              <a class="lang" href={toggle} hreflang={HTML_LANG[other]} lang={HTML_LANG[other]}>
                <span class="sr">{loc.t("nav.language")}:</span> {loc.t("nav.switch")}
              </a>
              {page && (
                <form method="post" action="/admin/logout" class="logout">
                  <input type="hidden" name="_csrf" value={ctx.csrf} />
                  <button type="submit" class="link">{loc.t("nav.logout")}</button>
                </form>
              )}
            </div>
          </header>
          {page && (
            <nav class="menu" aria-label={loc.t("nav.label")}>
              <ul>
                {PAGES.map((p) => (
                  <li>
                    <a href={p.path} aria-current={p.id === page ? "page" : undefined}>
                      {loc.t(p.label)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <main id="main" tabindex={-1}>
            <h1>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    </>
  );
};
