/**
 * The one table of what `/metrics` shows: every family's name, HELP, labels and buckets.
 *
 * Where the OpenTelemetry semantic conventions for generative AI name a metric
 * (open-telemetry/semantic-conventions-genai, `docs/gen-ai/gen-ai-metrics.md`, formerly in
 * open-telemetry/semantic-conventions), it is used under the
 * name OpenTelemetry's Prometheus mapping gives it (opentelemetry-specification,
 * `specification/compatibility/prometheus_and_openmetrics.md`): dots become underscores, the unit
 * is appended in words (`s` → `_seconds`) and a unit in braces (`{token}`) is dropped, so
 * `gen_ai.client.token.usage` is `gen_ai_client_token_usage` and
 * `gen_ai.server.request.duration` is `gen_ai_server_request_duration_seconds`. Their attributes
 * become labels the same way (`gen_ai.provider.name` → `gen_ai_provider_name`; it replaced
 * `gen_ai.system`, semantic-conventions PR #2046), with the buckets the conventions advise.
 * `channel` is the gateway's own attribute ("individual systems may include additional
 * system-specific attributes").
 *
 * WebSocket sessions are counted apart from HTTP requests: a session lasts minutes and carries
 * many exchanges, so in the request counters and latency histograms it would read as one
 * very slow request. Tokens and cost are the same money whichever way they came, so those
 * counters take both.
 */
import type { Registry } from "./registry.ts";

/** `gen_ai.client.token.usage`'s advised boundaries: powers of 4 from 1 to 4^13 tokens. */
// deno-fmt-ignore
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
];

/** `gen_ai.server.request.duration`'s advised boundaries, seconds: 10 ms doubling to 82 s. */
// deno-fmt-ignore
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92
];

/** `gen_ai.server.time_to_first_token`'s advised boundaries, seconds. */
// deno-fmt-ignore
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10
];

/**
 * The gateway's own time, seconds: 50 µs to 1 s, finest below a millisecond, where a healthy
 * gateway's overhead lies (the README's benchmark measures a few tenths of one).
 */
// deno-fmt-ignore
export const OVERHEAD_BUCKETS = [
  0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.00075, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
  0.25, 1
];

/** WebSocket session lengths, seconds: a second to the 2 h `websocket.max_duration` default. */
export const SESSION_BUCKETS = [1, 5, 15, 30, 60, 300, 600, 1800, 3600, 7200];

const GEN_AI = ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"] as const;
const BY_KEY = ["channel", "model", "key"] as const;
const QUOTA = ["scope", "name", "metric"] as const;

/** Registers every family in `registry`; `maxSeries` caps each. */
export function defineMetrics(registry: Registry, maxSeries?: number) {
  const cap = { maxSeries };
  return {
    requests: registry.counter({
      ...cap,
      name: "sluice_requests_total",
      help: "HTTP requests answered, refused ones included, by status class.",
      labels: [...BY_KEY, "status"],
    }),
    errors: registry.counter({
      ...cap,
      name: "sluice_request_errors_total",
      help: "HTTP requests answered with a 4xx or 5xx status (499: the client went away).",
      labels: [...BY_KEY, "status"],
    }),
    tokens: registry.counter({
      ...cap,
      name: "sluice_tokens_total",
      help: "Tokens by type (cached is part of input, reasoning part of output) and source " +
        "(reported by the upstream, or estimated by the gateway when a stream was cut).",
      labels: [...BY_KEY, "type", "source"],
    }),
    cost: registry.counter({
      ...cap,
      name: "sluice_cost_usd_total",
      help: "What the tokens cost in US dollars, from the channels' price tables.",
      labels: BY_KEY,
    }),
    tokenUsage: registry.histogram({
      ...cap,
      name: "gen_ai_client_token_usage",
      help: "Number of input and output tokens used per request, as the upstream reported them.",
      labels: [...GEN_AI, "gen_ai_token_type", "channel"],
      buckets: TOKEN_BUCKETS,
    }),
    duration: registry.histogram({
      ...cap,
      name: "gen_ai_server_request_duration_seconds",
      help: "Model request duration, arrival to last byte; error_type is the status class of " +
        "a failed request.",
      labels: [...GEN_AI, "error_type", "channel"],
      buckets: DURATION_BUCKETS,
    }),
    ttft: registry.histogram({
      ...cap,
      name: "gen_ai_server_time_to_first_token_seconds",
      help: "Arrival to first byte of a successful stream.",
      labels: [...GEN_AI, "channel"],
      buckets: TTFT_BUCKETS,
    }),
    overhead: registry.histogram({
      ...cap,
      name: "sluice_gateway_overhead_seconds",
      help: "Time the gateway itself added: latency minus time waiting on upstreams, or for a " +
        "stream, time to first byte minus that wait.",
      labels: ["channel", "stream"],
      buckets: OVERHEAD_BUCKETS,
    }),
    sessions: registry.counter({
      ...cap,
      name: "sluice_websocket_sessions_total",
      help: "WebSocket sessions ended and upgrades refused (counted apart from HTTP requests), " +
        "by status class.",
      labels: [...BY_KEY, "status"],
    }),
    sessionDuration: registry.histogram({
      ...cap,
      name: "sluice_websocket_session_duration_seconds",
      help: "How long WebSocket sessions lasted.",
      labels: ["channel"],
      buckets: SESSION_BUCKETS,
    }),
    active: registry.gauge({
      name: "sluice_active_requests",
      help: "Requests in flight, streams included.",
    }),
    sessionsActive: registry.gauge({
      name: "sluice_websocket_sessions_active",
      help: "WebSocket sessions open now.",
    }),
    breaker: registry.gauge({
      ...cap,
      name: "sluice_breaker_state",
      help: "Circuit breaker state per channel: 0 closed, 1 half-open, 2 open.",
      labels: ["channel"],
    }),
    quotaRemaining: registry.gauge({
      ...cap,
      name: "sluice_quota_remaining",
      help: "What is left of a quota (requests, tokens or USD) until it resets.",
      labels: QUOTA,
    }),
    quotaLimit: registry.gauge({
      ...cap,
      name: "sluice_quota_limit",
      help: "A quota's size per period (requests, tokens or USD).",
      labels: QUOTA,
    }),
    quotaResets: registry.gauge({
      ...cap,
      name: "sluice_quota_reset_timestamp_seconds",
      help: "When a quota resets next, in seconds since the Unix epoch.",
      labels: QUOTA,
    }),
    uptime: registry.gauge({
      name: "sluice_uptime_seconds",
      help: "Seconds since the gateway started.",
    }),
    buildInfo: registry.gauge({
      name: "sluice_build_info",
      help: "Always 1; the version label says which Sluice is running.",
      labels: ["version"],
    }),
  };
}

export type GatewayFamilies = ReturnType<typeof defineMetrics>;
