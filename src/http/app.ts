/**
 * Assembles the Hono app. Everything it needs arrives as a parameter (the gateway holder, fetch,
 * the recorder, clocks, how to find a client's address), so tests drive it with `app.request()`
 * or a local server, and supply their own.
 *
 * Each client format is its own sub-app with its own error rendering (`src/ingress/<format>/`);
 * `/proxy` and the single-channel catch-all come last. One middleware in front gives every
 * request its id and its one record, closed when the response is sent (or, for a stream, when
 * the stream ends), refused requests included.
 */
import { type Context, Hono } from "hono";
import { type Admin, createAdmin } from "../admin/admin.ts";
import { statsRoutes } from "./stats_routes.ts";
import { dashboardRoutes } from "../dashboard/routes.tsx";
import { OpenSessions } from "../dashboard/open_sessions.ts";
import { gatewayAuth, type GatewayAuthOptions } from "../auth/middleware.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { anthropicRoutes } from "../ingress/anthropic/routes.ts";
import { geminiRoutes } from "../ingress/gemini/routes.ts";
import { onGatewayError } from "../ingress/on_error.ts";
import { renderOpenAIError } from "../ingress/openai/errors.ts";
import { openAIRoutes } from "../ingress/openai/routes.ts";
import { responsesRoutes } from "../ingress/responses/routes.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { DeadlineWheel } from "../proxy/deadlines.ts";
import { withoutRedirects } from "../proxy/no_redirects.ts";
import type { ProxyDeps } from "../proxy/scope.ts";
import { webSocketAdmission } from "../quota/admission.ts";
import { Quotas, quotaSettings } from "../quota/quotas.ts";
import { ActiveRequests } from "../stats/active.ts";
import type { Recorder } from "../stats/record.ts";
import { RequestLog } from "../stats/request_log.ts";
import { isWebSocketUpgrade } from "../ws/handshake.ts";
import { webSocketRoutes } from "../ws/routes.ts";
import type { Session } from "../ws/session.ts";
import { healthRoutes } from "./health_routes.ts";
import { type MetricsPage, metricsRoutes } from "./metrics_routes.ts";
import { proxyRoutes } from "./proxy_routes.ts";

export interface AppDeps {
  holder: GatewayHolder;
  recorder: Recorder;
  /** The gateway's Deno KV, opened by the entry (`:memory:` in tests). */
  kv: Deno.Kv;
  /** @default globalThis.fetch (wrapped so it never follows redirects) */
  fetch?: typeof fetch;
  remoteAddress?: GatewayAuthOptions["remoteAddress"];
  /** Diagnostics. @default a logger on stderr */
  log?: Logger;
  /** Epoch ms the process started, for uptime. */
  startedAt?: number;
  /** Serves `GET /metrics` (a `GatewayMetrics`); without it the path answers 404. */
  metrics?: MetricsPage;
  /** Key and channel quotas; pass one to flush it on a timer and at shutdown. @default one on `kv` */
  quotas?: Quotas;
  /** Open WebSocket sessions, for `/metrics` and shutdown. @default a private set */
  webSocketSessions?: Set<Session>;
  /** Counts requests in flight (for `/metrics`). @default a private counter */
  active?: ActiveRequests;
  /** Monotonic ms. @default performance.now */
  now?: () => number;
  /** @default Math.random */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Upstream deadlines; pass one to `stop()` it at shutdown (tests). @default a new one */
  deadlines?: DeadlineWheel;
  /** The admin backend (`/admin/*`, the dashboard's guard, KV entries in every snapshot); pass
   * one to await its `ready` and `follow()` other instances (`boot`). @default one on `kv` */
  admin?: Admin;
}

/** A client-chosen request id we are willing to echo back. */
const REQUEST_ID = /^[\w\-=.:]+$/;

export function createApp(deps: AppDeps): Hono<GatewayEnv> {
  const { holder } = deps;
  const log = deps.log ?? createLogger();
  const now = deps.now ?? (() => performance.now());
  const proxyDeps: ProxyDeps = {
    fetch: withoutRedirects(deps.fetch ?? fetch),
    deadlines: deps.deadlines ?? new DeadlineWheel(now),
    now,
    random: deps.random ?? Math.random,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    log,
    quotas: deps.quotas ??
      new Quotas({ kv: deps.kv, settings: () => quotaSettings(holder.current.config), log }),
  };
  const app = new Hono<GatewayEnv>();
  const active = deps.active ?? new ActiveRequests();
  const sessions = deps.webSocketSessions ?? new Set<Session>();
  const recorder = active.counting(deps.recorder);

  app.use(async function requestContext(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && incoming.length <= 200 && REQUEST_ID.test(incoming)
      ? incoming
      : crypto.randomUUID();
    const protocol = isWebSocketUpgrade(c.req.raw) ? "websocket" : "http";
    const requestLog = new RequestLog(recorder, id, Date.now(), now(), protocol);
    active.count++;
    c.set("requestId", id);
    c.set("log", requestLog);
    await next();
    if (!c.res.headers.has("x-request-id")) c.res.headers.set("x-request-id", id);
    if (requestLog.fields.endpoint === "-") requestLog.set({ endpoint: routeLabel(c) });
    if (!requestLog.deferred) requestLog.close(c.res.status, now());
  });
  app.onError(onGatewayError(renderOpenAIError, log));
  // Lists the WebSocket sessions open now for the dashboard, from their deferred records. An
  // upgrade is always a GET, so other requests skip the middleware.
  const openSessions = new OpenSessions();
  app.get("*", openSessions.track());

  app.route("/", healthRoutes(holder, deps.startedAt ?? Date.now(), proxyDeps.fetch));
  app.route("/", metricsRoutes(holder, deps.metrics, deps.remoteAddress ?? (() => undefined)));
  // Claude Code probes its base URL with `HEAD /` before it starts (Hono answers HEAD by GET).
  app.get("/", (c) => c.text("Sluice AI gateway\n"));
  const admin = deps.admin ?? createAdmin({
    holder,
    kv: deps.kv,
    quotas: proxyDeps.quotas,
    log,
    fetch: proxyDeps.fetch,
    remoteAddress: deps.remoteAddress,
  });
  app.route("/", admin.routes);
  app.route(
    "/",
    statsRoutes(holder, deps.kv, {
      startedAt: deps.startedAt ?? Date.now(),
      activeRequests: () => active.count,
      webSocketSessions: () => sessions.size,
    }, deps.remoteAddress ?? (() => undefined)),
  );
  app.route(
    "/",
    dashboardRoutes({
      holder,
      kv: deps.kv,
      quotas: proxyDeps.quotas,
      live: { activeRequests: () => active.count, webSocketSessions: () => sessions.size },
      sessions: openSessions,
      guard: admin.guard,
    }),
  );

  const auth = gatewayAuth({
    gateway: () => holder.current,
    remoteAddress: deps.remoteAddress ?? (() => undefined),
  });
  const formats = { deps: proxyDeps, auth, log, kv: deps.kv };
  const webSockets = webSocketRoutes({
    deps: proxyDeps,
    log,
    admit: webSocketAdmission(proxyDeps.quotas),
    sessions,
    gateway: () => holder.current,
    remoteAddress: deps.remoteAddress ?? (() => undefined),
  });
  app.route("/", webSockets.routes);
  app.route("/", openAIRoutes(formats));
  app.route("/", anthropicRoutes(formats));
  app.route("/", geminiRoutes(formats));
  app.route("/", responsesRoutes(formats));
  app.route("/", proxyRoutes(formats, webSockets.upgrade));
  return app;
}

/** What a record calls a request no route named: `health`, `admin`, else `METHOD /path`. */
function routeLabel(c: Context<GatewayEnv>): string {
  const path = c.req.path;
  if (path === "/health") return "health";
  if (path.startsWith("/admin/")) return "admin";
  return `${c.req.method} ${path}`.slice(0, 200);
}
