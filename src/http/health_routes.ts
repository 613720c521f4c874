/**
 * `GET /health`: liveness plus each channel's breaker state; cheap enough for a container
 * HEALTHCHECK. `?probe=1` (admin key) also asks every channel for its model list, concurrently,
 * and reports which answered.
 */
import { Hono } from "hono";
import { verifyAdmin } from "../admin/auth.ts";
import type { Gateway } from "../gateway/build.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { listChannelModels } from "../routing/catalog.ts";
import type { Channel } from "../routing/channel.ts";

export function healthRoutes(
  holder: GatewayHolder,
  startedAt: number,
  fetchFn: typeof fetch,
): Hono {
  const app = new Hono();
  app.get("/health", async (c) => {
    const gateway = holder.current;
    const probe = c.req.query("probe");
    const probes = probe && probe !== "0"
      ? (verifyAdmin(holder, c.req.raw.headers), await probeAll(gateway, fetchFn))
      : undefined;
    const channels = [
      ...gateway.channels.map((ch) => ({
        name: ch.name,
        plugin: ch.plugin.name,
        ...gateway.health.snapshot(ch.name),
        keys: ch.keys.size,
        keys_set_aside: ch.keys.asideCount(),
        ...(probes ? { probe: probes.get(ch.name) } : {}),
      })),
      ...gateway.skipped.map((s) => ({
        name: s.name,
        plugin: gateway.config.channels.find((ch) => ch.name === s.name)?.plugin,
        state: s.reason === "disabled" ? "disabled" : "skipped",
        reason: s.reason,
      })),
    ];
    const usable = gateway.channels.filter((ch) => gateway.health.available(ch.name)).length;
    return c.json({
      status: usable > 0 ? "ok" : "degraded",
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      channels,
    });
  });
  return app;
}

interface ProbeResult {
  ok: boolean;
  latency_ms: number;
  models?: number;
  error?: string;
}

async function probeAll(
  gateway: Gateway,
  fetchFn: typeof fetch,
): Promise<Map<string, ProbeResult>> {
  const results = await Promise.all(
    gateway.channels.map(async (ch) => [ch.name, await probeOne(ch, fetchFn)] as const),
  );
  return new Map(results);
}

async function probeOne(channel: Channel, fetchFn: typeof fetch): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const models = await listChannelModels(channel, fetchFn, 10_000);
    return { ok: true, latency_ms: elapsed(), models: models.length };
  } catch (error) {
    return {
      ok: false,
      latency_ms: elapsed(),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
