/** `GET /health`: liveness plus each channel's state; cheap enough for a container HEALTHCHECK. */
import { Hono } from "hono";
import type { GatewayHolder } from "../../gateway/holder.ts";

export function healthRoutes(holder: GatewayHolder, startedAt: number): Hono {
  const app = new Hono();
  app.get("/health", (c) => {
    const gateway = holder.current;
    const channels = [
      ...gateway.channels.map((ch) => ({
        name: ch.name,
        plugin: ch.plugin.name,
        state: "up",
        keys: ch.keys.size,
        keys_set_aside: ch.keys.asideCount(),
      })),
      ...gateway.skipped.map((s) => ({
        name: s.name,
        plugin: gateway.config.channels.find((ch) => ch.name === s.name)?.plugin,
        state: s.reason === "disabled" ? "disabled" : "skipped",
        reason: s.reason,
      })),
    ];
    return c.json({
      status: gateway.channels.length > 0 ? "ok" : "degraded",
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      channels,
    });
  });
  return app;
}
