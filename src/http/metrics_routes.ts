/**
 * `GET /metrics`: the Prometheus text exposition (`src/metrics/`).
 *
 * Model, channel and key names are not secrets, but a public gateway need not show who its
 * customers are or what they spend, so by default only loopback clients read it freely (a
 * sidecar, `curl` on the host); anyone else presents the admin key or `metrics.key`, a token
 * that reads this page and nothing else, so Prometheus need not hold the admin key. A request
 * carrying a proxy's forwarding header is not trusted as loopback: behind a reverse proxy on the
 * same host every client would otherwise look local. `metrics.access` opens it to everyone
 * (`open`) or requires a key even on loopback (`key`).
 */
import { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import { digest, keyDigest } from "../auth/key_ring.ts";
import { type GatewayAuthOptions, isLoopback } from "../auth/middleware.ts";
import { presentedToken } from "../auth/token.ts";
import type { Config } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { methodNotAllowed } from "../ingress/on_error.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import { CONTENT_TYPE } from "../metrics/exposition.ts";

/** What the route serves: `GatewayMetrics` from `src/metrics/gateway_metrics.ts`. */
export interface MetricsPage {
  render(): string;
}

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

export function metricsRoutes(
  holder: GatewayHolder,
  metrics: MetricsPage | undefined,
  remoteAddress: GatewayAuthOptions["remoteAddress"],
): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/metrics", (c) => {
    c.get("log")?.set({ endpoint: "metrics" });
    // Answer here even when off, so the path never falls through to a channel's passthrough.
    if (!metrics) {
      throw new GatewayError(404, "Metrics are not enabled in this gateway", { code: "not_found" });
    }
    verifyScraper(holder.current.config, c.req.raw.headers, remoteAddress(c));
    return c.body(metrics.render(), 200, {
      "content-type": CONTENT_TYPE,
      "cache-control": "no-store",
    });
  });
  app.all("/metrics", () => methodNotAllowed("GET, HEAD"));
  return app;
}

/**
 * Lets the request read `/metrics` or says why not.
 * @throws {GatewayError} 401 for a missing or wrong key, 403 when no key is configured at all.
 */
export function verifyScraper(config: Config, headers: Headers, address: string | undefined) {
  const { access, key } = config.metrics;
  if (access === "open") return;
  if (access === "loopback" && address !== undefined && isLoopback(address)) {
    if (!FORWARDING_HEADERS.some((h) => headers.has(h))) return;
  }
  const accepted = [config.admin.key, key].filter((k) => k !== "");
  if (accepted.length === 0) {
    throw new GatewayError(
      403,
      "Metrics need a key here and none is configured: set metrics.key (or admin.key)",
      { code: "metrics_key_required" },
    );
  }
  const token = presentedToken(headers);
  if (!token) throw new GatewayError(401, "Missing metrics key", { code: "missing_api_key" });
  const presented = digest(token);
  // Every configured key is compared, in constant time, whichever one matches; either may be
  // written as `sha256:<hex>` of the key.
  let ok = false;
  for (const k of accepted) {
    const expected = keyDigest(k);
    ok = (expected !== undefined && timingSafeEqual(presented, expected)) || ok;
  }
  if (!ok) throw new GatewayError(401, "Incorrect metrics key", { code: "invalid_api_key" });
}
