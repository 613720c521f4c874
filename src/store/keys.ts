/**
 * Every Deno KV key the gateway uses, built here and nowhere else. Keys are arrays led by a
 * snake_case collection name; secondary indexes get their own collection.
 */

/** `previous_response_id` emulation for channels without a stored Responses API. */
export const responseKeys = {
  /** The stored response's metadata and first part: `["responses", id]`. */
  record: (id: string) => ["responses", id] as const,
  /** Further parts of a response too large for one KV value (64 KiB): `["response_parts", id, n]`. */
  part: (id: string, n: number) => ["response_parts", id, n] as const,
  /** Prefix of every part of `id`, for listing or deleting them. */
  parts: (id: string) => ["response_parts", id] as const,
};

/** How finely usage is aggregated; each has its own collection and retention. */
export type Granularity = "minute" | "hour" | "day";

/**
 * What usage is aggregated by: everything, or per channel, model or gateway key, or per route
 * (`channel/model`: one model on one channel).
 */
export type Dimension = "all" | "channel" | "model" | "key" | "route";

/**
 * Usage counters (`Deno.KvU64`, added to with `sum`, so instances never conflict):
 * `["usage_by_minute", dimension, id, bucketStart, metric]` and the same by hour and day. The
 * bucket comes before the metric so one range read returns a series.
 */
export const usageKeys = {
  counter: (g: Granularity, dim: Dimension, id: string, bucket: number, metric: string) =>
    [`usage_by_${g}`, dim, id, bucket, metric] as const,
  /** Prefix of one dimension's series, for range reads between two bucket starts. */
  series: (g: Granularity, dim: Dimension, id: string) => [`usage_by_${g}`, dim, id] as const,
  bucket: (g: Granularity, dim: Dimension, id: string, bucket: number) =>
    [`usage_by_${g}`, dim, id, bucket] as const,
  /** Which ids a dimension has seen (value: last time seen), for listings and retention. */
  seen: (dim: Dimension, id: string) => ["usage_ids", dim, id] as const,
  seenAll: (dim: Dimension) => ["usage_ids", dim] as const,
};

/** The recent-request log, by time then request id; entries expire on their own. */
export const recentKeys = {
  entry: (time: number, requestId: string) => ["recent_requests", time, requestId] as const,
  all: () => ["recent_requests"] as const,
};

/** Whose budget a quota is. */
export type QuotaScope = "key" | "channel";

/**
 * Quotas, per period start (so a reset is a new period, nothing deleted):
 * - `["quota_used", scope, name, periodStart, metric]`: settled usage, `Deno.KvU64` sums from
 *   every instance;
 * - `["quota_leases", scope, name, periodStart, instance]`: the budget an instance has leased and
 *   not yet used, expiring when the instance stops renewing it;
 * - `["quota_epochs", scope, name, periodStart]`: bumped by every grant, checked so two
 *   instances never lease the same budget.
 */
export const quotaKeys = {
  used: (scope: QuotaScope, name: string, period: number, metric: string) =>
    ["quota_used", scope, name, period, metric] as const,
  usedIn: (scope: QuotaScope, name: string, period: number) =>
    ["quota_used", scope, name, period] as const,
  lease: (scope: QuotaScope, name: string, period: number, instance: string) =>
    ["quota_leases", scope, name, period, instance] as const,
  leasesIn: (scope: QuotaScope, name: string, period: number) =>
    ["quota_leases", scope, name, period] as const,
  epoch: (scope: QuotaScope, name: string, period: number) =>
    ["quota_epochs", scope, name, period] as const,
};

/**
 * What the admin API keeps (`src/admin/`, through `src/store/{channels,gateway_keys,admin_state,
 * sessions,login_failures}.ts`):
 * - `["admin_channels", name]`: a channel added through the API, its upstream keys sealed;
 * - `["admin_keys", name]`: a gateway key added through the API, held as its SHA-256 only;
 * - `["admin_version"]`: a `Deno.KvU64` bumped in the same commit as every change to either,
 *   watched (and polled) by every instance so each rebuilds its snapshot;
 * - `["admin_secret_verifier"]`: a known text sealed with `secret`, so a wrong secret is told at
 *   start-up rather than found out as garbage;
 * - `["admin_sessions", sha256(id)]`: a dashboard session, expiring (the id itself is not kept);
 * - `["admin_login_failures", address]`: wrong admin keys from one client address, expiring.
 */
export const adminKeys = {
  channel: (name: string) => ["admin_channels", name] as const,
  channels: () => ["admin_channels"] as const,
  gatewayKey: (name: string) => ["admin_keys", name] as const,
  gatewayKeys: () => ["admin_keys"] as const,
  version: () => ["admin_version"] as const,
  secretVerifier: () => ["admin_secret_verifier"] as const,
  session: (idHash: string) => ["admin_sessions", idHash] as const,
  loginFailures: (address: string) => ["admin_login_failures", address] as const,
};
