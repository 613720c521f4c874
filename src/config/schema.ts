/**
 * The shape of `config/gateway.yaml`, strict: an unknown field or a bad value is an error that
 * names its path. Every type the rest of the gateway uses for configuration is inferred from here.
 */
import { z } from "zod";
import { Cron } from "croner";
import { durationMs, sizeBytes } from "./units.ts";

const name = z.string().regex(
  /^[a-z0-9][a-z0-9_.-]*$/i,
  "Use letters, digits, '.', '_' or '-' (no '/' or spaces)",
);

/** A 5-field cron expression (minute hour day month weekday), as croner reads it. */
const cron = z.string().superRefine((value, ctx) => {
  if (value.trim().split(/\s+/).length !== 5) {
    ctx.addIssue({
      code: "custom",
      message: `Expected a 5-field cron expression such as "0 0 * * *", got ${
        JSON.stringify(value)
      }`,
    });
    return;
  }
  try {
    new Cron(value, { paused: true });
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `Invalid cron ${JSON.stringify(value)}: ${
        error instanceof Error ? error.message : error
      }`,
    });
  }
});

/** An IANA time zone name, as `Intl` knows it. */
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'Unknown time zone: use an IANA name such as "UTC" or "Asia/Shanghai"');

/**
 * Budgets per period, enforced by the quota module (`src/quota/`): requests, tokens and cost,
 * each optional; all reset together on `reset` in `timezone`.
 */
export const Limits = z.strictObject({
  /** Requests allowed per period. */
  requests: z.number().int().positive().optional(),
  /** Prompt plus completion tokens allowed per period. */
  tokens: z.number().int().positive().optional(),
  /** USD allowed per period, priced as the ledger prices usage. */
  cost: z.number().positive().optional(),
  /** When the budget refills, as a 5-field cron expression. @default "0 0 * * *" (midnight) */
  reset: cron.default("0 0 * * *"),
  /** The time zone `reset` is read in. @default "UTC" */
  timezone: timezone.default("UTC"),
});

/** USD per million tokens. */
const Rate = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  /** Price of prompt tokens served from the provider's cache, where it differs. */
  cached_input: z.number().nonnegative().optional(),
});

export const Price = Rate.extend({
  /** Per-model overrides, by upstream or requested model name. */
  models: z.record(z.string(), Rate).optional(),
});

export const ChannelConfig = z.strictObject({
  name,
  /** The plugin that speaks this upstream's protocol: a file name in `plugins/` without `.ts`. */
  plugin: z.string().min(1),
  /** Where the upstream API lives; plugins may supply a default. */
  base_url: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
  /** Upstream keys; several rotate. Empty entries (unset variables) are dropped. */
  keys: z.array(z.string()).default([]),
  /** Models served: a list, `"*"` for any, or omitted to fetch the upstream's list. */
  models: z.union([z.literal("*"), z.array(z.string().min(1))]).optional(),
  /** Requested model name → the upstream's name. */
  model_map: z.record(z.string(), z.string()).default({}),
  /** Lower goes first. @default 1 */
  priority: z.number().int().default(1),
  /** Relative share among channels of the same priority. @default 1 */
  weight: z.number().nonnegative().default(1),
  /** Retries on the same channel after a 5xx before moving on. Inherits `defaults.retry`. */
  retry: z.number().int().min(0).max(10).optional(),
  /** Non-stream request deadline. Inherits `defaults.timeout`. */
  timeout: durationMs.optional(),
  /** Stream deadline. Inherits `defaults.stream_timeout`. */
  stream_timeout: durationMs.optional(),
  /** Longest silence inside a stream. Inherits `defaults.stream_idle_timeout`. */
  stream_idle_timeout: durationMs.optional(),
  /** The upstream serves stream requests; when false they are served by converting. */
  stream: z.boolean().default(true),
  /** The upstream serves non-stream requests; when false they are served by converting. */
  non_stream: z.boolean().default(true),
  /** Extra headers sent upstream with every request. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Context window; prompts estimated larger skip this channel. */
  max_context_tokens: z.number().int().positive().optional(),
  limits: Limits.optional(),
  price: Price.optional(),
  enabled: z.boolean().default(true),
  /** Plugin-specific settings, validated by the plugin's own schema. */
  options: z.record(z.string(), z.unknown()).default({}),
});

export const GatewayKeyConfig = z.strictObject({
  name,
  /** The key itself, or `sha256:<hex>` of it so the file holds no secret. */
  key: z.string(),
  /** Only these channels (proxy-key routing); all when omitted. */
  channels: z.array(z.string()).optional(),
  /** Glob allow-list of model names (`*` and `?`); all when omitted. */
  models: z.array(z.string()).optional(),
  limits: Limits.optional(),
  /** The key stops working after this date (`2027-01-01` or an ISO timestamp). */
  expires: z.union([z.iso.date(), z.iso.datetime({ offset: true }), z.date()])
    .transform((v) => new Date(v))
    .optional(),
  enabled: z.boolean().default(true),
});

/** How candidates are ordered: priority groups, cheapest, most remaining quota, or fastest. */
export const Strategy = z.enum(["priority", "cost", "quota", "latency"]);

export const Config = z.strictObject({
  server: z.strictObject({
    /** @default "127.0.0.1" */
    hostname: z.string().default("127.0.0.1"),
    /** @default 8787 */
    port: z.number().int().min(0).max(65535).default(8787),
    /** On SIGTERM/SIGINT, how long requests and streams in flight may take to finish before
     * they are cut and the process exits. @default "10s" */
    shutdown_grace: durationMs.default(10_000),
  }).prefault({}),
  admin: z.strictObject({
    /** Protects `/admin/*` and `/dashboard`; the key itself or `sha256:<hex>` of it. The admin
     * API is off while it is empty. */
    key: z.string().refine(
      (k) => !k.startsWith("sha256:") || /^sha256:[0-9a-f]{64}$/i.test(k),
      "sha256: must be followed by 64 hex digits",
    ).default(""),
  }).prefault({}),
  /** `GET /metrics`, Prometheus text. Its labels name channels, models and gateway keys. */
  metrics: z.strictObject({
    /** Who may read it without a key: `loopback` clients (not forwarded by a proxy, which
     * would make every client look local), `open` to anyone, or `key` (always a key: the admin
     * key or `metrics.key`). @default "loopback" */
    access: z.enum(["loopback", "open", "key"]).default("loopback"),
    /** A token that reads `/metrics` and nothing else, for Prometheus to hold instead of the
     * admin key; empty for none. */
    key: z.string().default(""),
  }).prefault({}),
  /** Seals upstream keys stored in KV (AES-GCM under a key derived by HKDF, `src/crypto/`).
   * Empty: channels with keys cannot be added through the admin API. */
  secret: z.string().refine(
    (s) => s === "" || s.length >= 16,
    "Use at least 16 characters, e.g. the output of `openssl rand -base64 32`",
  ).default(""),
  /** The secret before `secret`, while rotating: values it sealed still open, and the next
   * start (or `POST /admin/secret/rotate`) seals them again with `secret`. */
  secret_previous: z.string().default(""),
  defaults: z.strictObject({
    /** @default "30s" */
    timeout: durationMs.default(30_000),
    /** @default "300s" */
    stream_timeout: durationMs.default(300_000),
    /** @default 2 */
    retry: z.number().int().min(0).max(10).default(2),
    /** @default "10MiB" */
    max_response_bytes: sizeBytes.default(10 * 1024 * 1024),
    /** @default "4MiB" */
    max_request_bytes: sizeBytes.default(4 * 1024 * 1024),
    /** Longest silence inside a stream before it is ended as failed. @default "60s" */
    stream_idle_timeout: durationMs.default(60_000),
    /** How long a fetched model list is trusted. @default "10m" */
    models_ttl: durationMs.default(600_000),
  }).prefault({}),
  routing: z.strictObject({
    /** @default "priority" */
    strategy: Strategy.default("priority"),
    /** Model redirects, applied before anything else: `gpt-4: gpt-4o`. */
    aliases: z.record(z.string(), z.string()).default({}),
    /** Per-model overrides of the strategy. */
    models: z.record(z.string(), z.strictObject({ strategy: Strategy })).default({}),
    /** Most upstream calls for one client request, retries included. @default 6 */
    max_attempts: z.number().int().min(1).max(50).default(6),
    /** Most time spent on one client request across attempts before the first byte. @default "120s" */
    max_total_time: durationMs.default(120_000),
    /** When a failing channel is taken out of rotation, and for how long. */
    breaker: z.strictObject({
      /** Consecutive failures that open the breaker. @default 3 */
      failures: z.number().int().min(1).default(3),
      /** First cooldown; doubles on each re-trip. @default "30s" */
      cooldown: durationMs.default(30_000),
      /** Longest cooldown. @default "5m" */
      max_cooldown: durationMs.default(300_000),
    }).prefault({}),
  }).prefault({}),
  log: z.strictObject({
    /** One line per request on stdout. @default true */
    requests: z.boolean().default(true),
    /** `text` (one human-readable line per record) or `json` (JSON Lines), for the request log
     * and the diagnostics alike. @default "text" */
    format: z.enum(["text", "json"]).default("text"),
    /** The least severe diagnostic written to stderr; request lines follow `requests` only.
     * @default "info" */
    level: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /**
     * Keep each answered request's prompt and answer text (12,000 characters each at most, so
     * an entry fits one KV value) in the recent-request log, for `usage.recent_ttl`. Off by
     * default: usage is recorded without any text. @default false
     */
    bodies: z.boolean().default(false),
  }).prefault({}),
  /** How `limits` are enforced across instances (see `src/quota/`). */
  quotas: z.strictObject({
    /**
     * The share of a quota's remaining budget one instance leases at a time and admits from
     * without asking KV; several instances may overspend by at most (instances × slice).
     * @default 0.1
     */
    slice: z.number().positive().max(1).default(0.1),
    /** A lease not renewed this long (its instance died) returns to the pool. @default "30s" */
    lease_ttl: durationMs.default(30_000),
    /** Tokens reserved for the answer of a request that sets no `max_tokens`. @default 4096 */
    default_completion_tokens: z.number().int().positive().default(4096),
  }).prefault({}),
  /** The usage ledger in Deno KV. */
  usage: z.strictObject({
    /** Record usage in KV at all (counters, the recent-request log). @default true */
    enabled: z.boolean().default(true),
    /** How often recorded usage is written to KV, in one batch. @default "1s" */
    flush_interval: durationMs.default(1_000),
    /** How long a request stays in the recent-request log. @default "7d" */
    recent_ttl: durationMs.default(7 * 86_400_000),
    /** How long usage aggregates are kept, per granularity. */
    retention: z.strictObject({
      /** @default "48h" */
      minute: durationMs.default(48 * 3_600_000),
      /** @default "60d" */
      hour: durationMs.default(60 * 86_400_000),
      /** @default "730d" */
      day: durationMs.default(730 * 86_400_000),
    }).prefault({}),
  }).prefault({}),
  /** WebSocket sessions (`/v1/realtime`, upgrades on `/proxy/…`): limits, each with a default. */
  websocket: z.strictObject({
    /** Accept WebSocket upgrades at all. @default true */
    enabled: z.boolean().default(true),
    /** Longest wait for one upstream's handshake. @default "10s" */
    connect_timeout: durationMs.default(10_000),
    /** Largest message either way; a larger one closes the session with 1009.
     * @default "16MiB" (OpenAI's realtime `input_audio_buffer.append` takes up to 15 MiB) */
    max_message_bytes: sizeBytes.default(16 * 1024 * 1024),
    /** Bytes a session may leave waiting for a slow peer, each way, before it is closed (1008
     * to a slow client, 1013 when the upstream is the slow one). @default "8MiB" */
    max_buffered_bytes: sizeBytes.default(8 * 1024 * 1024),
    /** A session with no message either way for this long is closed (1001). @default "10m" */
    idle_timeout: durationMs.default(600_000),
    /** The longest a session may last; at the limit it is closed (1008). @default "2h" */
    max_duration: durationMs.default(7_200_000),
    /** A client silent this long is pinged, and dropped if the pong does not come within the
     * same time; 0 turns pings off. @default "30s" */
    ping_interval: durationMs.default(30_000),
    /** Sessions open at once; past it, upgrades are refused with 503. @default 10000 */
    max_sessions: z.number().int().positive().default(10_000),
  }).prefault({}),
  channels: z.array(ChannelConfig).default([]),
  keys: z.array(GatewayKeyConfig).default([]),
}).superRefine((config, ctx) => {
  reportDuplicates(config.channels.map((c) => c.name), "channels", "channel", ctx);
  reportDuplicates(config.keys.map((k) => k.name), "keys", "key", ctx);
});

function reportDuplicates(names: string[], field: string, what: string, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) {
      ctx.addIssue({
        code: "custom",
        path: [field, i, "name"],
        message: `Duplicate ${what} "${n}"`,
      });
    }
    seen.add(n);
  });
}

export type Config = z.infer<typeof Config>;
export type ChannelConfig = z.infer<typeof ChannelConfig>;
export type GatewayKeyConfig = z.infer<typeof GatewayKeyConfig>;
export type LimitsConfig = z.infer<typeof Limits>;
export type PriceConfig = z.infer<typeof Price>;
export type Strategy = z.infer<typeof Strategy>;
