/**
 * Usage operations for the admin: `GET /admin/stats` (per model, then per channel: requests,
 * tokens, cost, the channel's limits and its quota in the current period — the AI API Gateway
 * seed's shape), `GET /admin/requests` (the recent-request log, filtered) and
 * `POST /admin/usage/reset` (clears one key's or channel's quota for the current period).
 */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { parseBody } from "../ingress/body.ts";
import { methodNotAllowed } from "../ingress/on_error.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import { configuredQuotas } from "../quota/admission.ts";
import { quotaRef, type Quotas, quotaSnapshots } from "../quota/quotas.ts";
import { recent } from "../usage/query.ts";
import { summaries } from "../usage/stats.ts";

const ResetRequest = z.strictObject({
  scope: z.enum(["key", "channel"]),
  name: z.string().min(1),
});

/** `?window=` for stats: `1h`, `24h` (default) or `7d`. */
export function windowOf(value: string | undefined, now: number): { from: number; to: number } {
  const hours = { "1h": 1, "24h": 24, "7d": 168 }[value ?? "24h"];
  if (hours === undefined) {
    throw new GatewayError(400, `Invalid window ${JSON.stringify(value)}: use 1h, 24h or 7d`, {
      code: "invalid_window",
      param: "window",
    });
  }
  return { from: now - hours * 3_600_000, to: now };
}

export function usageAdminRoutes(
  holder: GatewayHolder,
  kv: Deno.Kv,
  quotas: Quotas,
): Hono<GatewayEnv> {
  // Mounted behind the admin guard (`routes.ts`).
  const app = new Hono<GatewayEnv>();

  app.get("/admin/stats", async (c) => {
    const config = holder.current.config;
    const window = windowOf(c.req.query("window"), Date.now());
    await Promise.all(configuredQuotas(config).map((ref) => quotas.sync(ref)));
    const routes = await summaries(kv, "route", window.from, window.to);
    const models: Record<string, { channels: Record<string, unknown> }> = {};
    for (const { id, summary } of routes) {
      const slash = id.indexOf("/");
      const channel = id.slice(0, slash);
      const model = id.slice(slash + 1);
      const limits = config.channels.find((ch) => ch.name === channel)?.limits;
      const quota = limits ? quotaSnapshots(quotas, [quotaRef("channel", channel, limits)]) : [];
      (models[model] ??= { channels: {} }).channels[channel] = {
        ...summary,
        limits: limits ?? null,
        quota,
        last_reset: quota.length > 0
          ? new Date(quotas.view(quotaRef("channel", channel, limits!))[0].period.start)
            .toISOString()
          : null,
      };
    }
    return c.json({
      window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
      models,
      keys: (await summaries(kv, "key", window.from, window.to)).map(({ id, summary }) => {
        const limits = config.keys.find((k) => k.name === id)?.limits;
        return {
          name: id,
          ...summary,
          limits: limits ?? null,
          quota: limits ? quotaSnapshots(quotas, [quotaRef("key", id, limits)]) : [],
        };
      }),
    });
  });

  app.get("/admin/requests", async (c) => {
    const q = c.req.query();
    const time = (v: string | undefined, name: string) => {
      if (v === undefined) return undefined;
      const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isNaN(t)) {
        throw new GatewayError(
          400,
          `Invalid ${name} ${JSON.stringify(v)}: use ISO 8601 or epoch ms`,
          {
            param: name,
          },
        );
      }
      return t;
    };
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new GatewayError(400, `Invalid limit ${JSON.stringify(q.limit)}`, { param: "limit" });
    }
    const data = await recent(kv, {
      key: q.key,
      channel: q.channel,
      model: q.model,
      status: q.status,
      from: time(q.from, "from"),
      to: time(q.to, "to"),
      limit,
    });
    return c.json({ object: "list", data });
  });

  app.post("/admin/usage/reset", async (c) => {
    const body = parseBody(await c.req.text(), ResetRequest);
    const config = holder.current.config;
    const entries = body.scope === "key" ? config.keys : config.channels;
    const limits = entries.find((e) => e.name === body.name)?.limits;
    if (!limits) {
      throw new GatewayError(404, `No ${body.scope} "${body.name}" with limits`, {
        code: "not_found",
        param: "name",
      });
    }
    const ref = quotaRef(body.scope, body.name, limits);
    await quotas.reset(ref);
    await quotas.sync(ref);
    return c.json({ reset: true, quota: quotaSnapshots(quotas, [ref]) });
  });
  for (
    const [path, allow] of [
      ["/admin/stats", "GET"],
      ["/admin/requests", "GET"],
      ["/admin/usage/reset", "POST"],
    ]
  ) app.all(path, () => methodNotAllowed(allow));
  return app;
}
