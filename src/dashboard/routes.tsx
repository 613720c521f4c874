/**
 * `/dashboard`: the admin's pages, rendered on the server with Hono's JSX, plus their JSON
 * (`api.ts`) and static files (`assets.ts`). The login page, the language toggle and the assets
 * are open; everything else is behind the guard. Every answer carries a strict CSP (scripts and
 * styles from this origin only, no inline code), and pages are never cached.
 */
import { type Context, Hono } from "hono";
import { setCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { GatewayEnv } from "../ingress/route.ts";
import { dashboardApi } from "./api.ts";
import { dashboardAssets } from "./assets.ts";
import { channelRows } from "./data/channels.ts";
import { keyRows } from "./data/keys.ts";
import { modelsView } from "./data/models.ts";
import { overview, rangeOf } from "./data/overview.ts";
import { filtersOf, recentRequests, recentSessions } from "./data/requests.ts";
import { type DashboardDeps, pageContext } from "./deps.ts";
import { adminKeyOnly, dashboardGuard, safeNext } from "./guard.ts";
import { isLang, LANG_COOKIE } from "./i18n/mod.ts";
import { ChannelsPage } from "./pages/channels.tsx";
import { KeysPage } from "./pages/keys.tsx";
import { LoginPage } from "./pages/login.tsx";
import { ModelsPage } from "./pages/models.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { RequestsPage } from "./pages/requests.tsx";
import { SessionsPage } from "./pages/sessions.tsx";
import { SettingsPage } from "./pages/settings.tsx";

const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

export function dashboardRoutes(deps: DashboardDeps): Hono<GatewayEnv> {
  const { holder, kv, quotas } = deps;
  const assets = deps.assets ?? dashboardAssets();
  const now = deps.now ?? Date.now;
  const ctx = (c: Context) => pageContext(c, assets);
  const page = (c: Context, node: JSX.Element) => {
    c.header("cache-control", "no-store");
    return c.html(node);
  };

  const app = new Hono<GatewayEnv>();
  // `same-origin`, not `no-referrer`: under `no-referrer` a browser sends `Origin: null` with a
  // form's POST, and the admin backend (rightly) refuses a login it cannot tell is from here.
  const headers = secureHeaders({ contentSecurityPolicy: CSP, referrerPolicy: "same-origin" });
  app.use("/dashboard", headers);
  app.use("/dashboard/*", headers);
  app.use("/dashboard/*", async function dashboardLabel(c, next) {
    // One access-log label for every dashboard request, not one per path.
    c.get("log")?.set({ endpoint: "dashboard" });
    await next();
  });
  app.route("/", assets.routes());

  app.get("/dashboard/login", (c) => {
    const q = (name: string) => c.req.query(name);
    return page(
      c,
      <LoginPage
        ctx={ctx(c)}
        next={safeNext(q("next"))}
        error={q("error")}
        retryAfter={q("retry_after")}
        loggedOut={q("logged_out") !== undefined}
      />,
    );
  });

  // The language toggle: a link, so it works without JavaScript; remembered for a year.
  app.get("/dashboard/lang", (c) => {
    const to = c.req.query("to");
    if (isLang(to)) {
      setCookie(c, LANG_COOKIE, to, {
        path: "/dashboard",
        maxAge: 365 * 86_400,
        sameSite: "Lax",
        httpOnly: true,
      });
    }
    return c.redirect(safeNext(c.req.query("back")), 303);
  });

  const guard = dashboardGuard(deps.guard ?? adminKeyOnly(holder));
  app.use("/dashboard", guard);
  app.use("/dashboard/*", guard);
  app.route("/", dashboardApi(deps));

  app.get("/dashboard", async (c) => {
    const data = await overview(kv, rangeOf(c.req.query("range")), now(), {
      active: deps.live.activeRequests(),
      sessions: deps.live.webSocketSessions(),
    });
    return page(c, <OverviewPage ctx={ctx(c)} data={data} />);
  });
  app.get("/dashboard/channels", async (c) => {
    const gateway = holder.current;
    const rows = await channelRows(gateway, kv, quotas, now());
    const editing = rows.find((r) => r.name === c.req.query("edit") && r.source === "kv");
    const plugins = [...gateway.plugins.keys()].sort();
    return page(c, <ChannelsPage ctx={ctx(c)} rows={rows} plugins={plugins} editing={editing} />);
  });
  app.get("/dashboard/keys", async (c) => {
    const rows = await keyRows(holder.current, kv, quotas, now());
    const editing = rows.find((r) => r.name === c.req.query("edit") && r.source === "kv");
    return page(c, <KeysPage ctx={ctx(c)} rows={rows} editing={editing} />);
  });
  app.get("/dashboard/models", (c) => {
    return page(c, <ModelsPage ctx={ctx(c)} view={modelsView(holder.current)} />);
  });
  app.get("/dashboard/requests", async (c) => {
    const filters = filtersOf((name) => c.req.query(name));
    const records = await recentRequests(kv, filters);
    return page(c, <RequestsPage ctx={ctx(c)} filters={filters} records={records} />);
  });
  app.get("/dashboard/sessions", async (c) => {
    const recent = await recentSessions(kv);
    return page(
      c,
      <SessionsPage ctx={ctx(c)} open={deps.sessions.list()} recent={recent} now={now()} />,
    );
  });
  app.get("/dashboard/settings", (c) => {
    const gateway = holder.current;
    return page(c, <SettingsPage ctx={ctx(c)} config={gateway.config} source={gateway.source} />);
  });
  app.get("/dashboard/", (c) => c.redirect("/dashboard", 301));
  return app;
}
