/**
 * What `/metrics` reads when it is scraped rather than when requests finish: breaker states,
 * requests and WebSocket sessions open now, quotas, uptime. The entry passes the sources in;
 * each is read once per scrape, so none of them costs the request path anything.
 */
import type { Gateway } from "../gateway/build.ts";
import type { BreakerState } from "../routing/health.ts";
import type { GatewayFamilies } from "./definitions.ts";

/** One quota as the quota module sees it now. */
export interface QuotaSnapshot {
  scope: "key" | "channel";
  /** The key's or channel's configured name. */
  name: string;
  metric: "requests" | "tokens" | "cost";
  /** Per period: a count of requests or tokens, or USD. */
  limit: number;
  remaining: number;
  /** Epoch ms of the next reset. */
  resetsAt: number;
}

export interface MetricSources {
  /** The running snapshot (`holder.current`): its channels' breakers, and which names are known. */
  gateway(): Gateway;
  /** Requests in flight, streams included. */
  activeRequests(): number;
  /** WebSocket sessions open now; the gauge is left out when absent. */
  websocketSessions?(): number;
  /** Every configured quota; the quota gauges stay empty when absent. */
  quotas?(): readonly QuotaSnapshot[];
  /** Epoch ms the process started. */
  startedAt: number;
}

const BREAKER_VALUES: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

/** Sets the scrape-time gauges from `sources`; `now` is epoch ms. */
export function collect(families: GatewayFamilies, sources: MetricSources, now: number): void {
  const gateway = sources.gateway();
  families.breaker.clear();
  for (const channel of gateway.channels) {
    families.breaker.series([channel.name]).set(BREAKER_VALUES[gateway.health.state(channel.name)]);
  }
  families.active.series().set(sources.activeRequests());
  families.sessionsActive.clear();
  if (sources.websocketSessions) {
    families.sessionsActive.series().set(sources.websocketSessions());
  }
  for (const family of [families.quotaRemaining, families.quotaLimit, families.quotaResets]) {
    family.clear();
  }
  for (const q of sources.quotas?.() ?? []) {
    const labels = [q.scope, q.name, q.metric];
    families.quotaRemaining.series(labels).set(q.remaining);
    families.quotaLimit.series(labels).set(q.limit);
    families.quotaResets.series(labels).set(q.resetsAt / 1000);
  }
  families.uptime.series().set(Math.max(0, (now - sources.startedAt) / 1000));
}
