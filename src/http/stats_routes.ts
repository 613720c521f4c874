/**
 * `GET /stats`: the gateway at a glance, as JSON (the AIProxy seed's page): totals and each
 * channel's success, failure and latency over a window (`?window=1h|24h|7d`, default 24h), HTTP
 * apart from WebSocket, read from the usage ledger so every instance on the KV is counted; plus
 * this process's live figures (uptime, requests in flight, open sessions, breakers). Read access
 * is `/metrics`' (`metrics.access`).
 */
import { Hono } from "hono";
import type { GatewayAuthOptions } from "../auth/middleware.ts";
import { windowOf } from "../admin/usage_routes.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { methodNotAllowed } from "../ingress/on_error.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import { summaries, summarize, windowTotal } from "../usage/stats.ts";
import { verifyScraper } from "./metrics_routes.ts";

export interface LiveFigures {
  startedAt: number;
  activeRequests(): number;
  webSocketSessions(): number;
}

export function statsRoutes(
  holder: GatewayHolder,
  kv: Deno.Kv,
  live: LiveFigures,
  remoteAddress: GatewayAuthOptions["remoteAddress"],
): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/stats", async (c) => {
    c.get("log")?.set({ endpoint: "stats" });
    const gateway = holder.current;
    verifyScraper(gateway.config, c.req.raw.headers, remoteAddress(c));
    const now = Date.now();
    const window = windowOf(c.req.query("window"), now);
    const channels = await summaries(kv, "channel", window.from, window.to);
    return c.json({
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      uptime_s: Math.round((now - live.startedAt) / 1000),
      active_requests: live.activeRequests(),
      websocket_sessions: live.webSocketSessions(),
      totals: summarize(await windowTotal(kv, "all", "*", window.from, window.to)),
      channels: channels.map(({ id, summary }) => ({
        name: id,
        breaker: gateway.channelsByName.has(id) ? gateway.health.state(id) : "removed",
        ...summary,
      })),
    });
  });
  app.all("/stats", () => methodNotAllowed("GET"));
  return app;
}
