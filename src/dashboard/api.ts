/**
 * `/dashboard/api/*`: what the pages' script polls to refresh figures and charts in place. Each
 * answer carries `figures` (already formatted in the reader's language, keyed by the
 * `data-bind` names in the page) and, for the Overview, the chart columns. Never a secret: rows
 * come from the same builders as the pages, which read names and counts only.
 */
import { Hono } from "hono";
import { channelRows } from "./data/channels.ts";
import { keyRows } from "./data/keys.ts";
import { chartColumns, overview, overviewFigures, rangeOf } from "./data/overview.ts";
import { type DashboardDeps, localeOf } from "./deps.ts";

export function dashboardApi(deps: DashboardDeps): Hono {
  const { kv, quotas, holder } = deps;
  const now = deps.now ?? Date.now;
  const app = new Hono();

  app.get("/dashboard/api/overview", async (c) => {
    const data = await overview(kv, rangeOf(c.req.query("range")), now(), {
      active: deps.live.activeRequests(),
      sessions: deps.live.webSocketSessions(),
    });
    return c.json({
      range: data.range,
      figures: overviewFigures(data, localeOf(c)),
      columns: chartColumns(data.points),
    });
  });

  app.get("/dashboard/api/channels", async (c) => {
    const loc = localeOf(c);
    const rows = await channelRows(holder.current, kv, quotas, now());
    const figures: Record<string, string> = {};
    const states: Record<string, string> = {};
    for (const row of rows) {
      const bind = (field: string) => `channel:${row.name}:${field}`;
      figures[bind("state")] = loc.t(`state.${row.state}`);
      states[bind("state")] = row.state;
      figures[bind("latency")] = loc.ms(row.latencyMs);
      figures[bind("requests")] = loc.num(row.requests);
      figures[bind("cost")] = loc.usd(row.costUsd);
    }
    return c.json({ figures, states });
  });

  app.get("/dashboard/api/keys", async (c) => {
    const loc = localeOf(c);
    const rows = await keyRows(holder.current, kv, quotas, now());
    const figures: Record<string, string> = {};
    for (const row of rows) {
      const bind = (field: string) => `key:${row.name}:${field}`;
      figures[bind("requests")] = loc.num(row.requests);
      figures[bind("tokens")] = loc.num(row.tokens);
      figures[bind("cost")] = loc.usd(row.costUsd);
    }
    return c.json({ figures });
  });

  app.get("/dashboard/api/sessions", (c) => {
    return c.json({ figures: { open: localeOf(c).num(deps.sessions.size) } });
  });
  return app;
}
