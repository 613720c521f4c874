import assert from "node:assert/strict";
import { getMetricsFromIterator, type PromData, type PromHistogramData } from "../../test/_prom.ts";
import { parseConfig } from "../config/load.ts";
import { buildGateway, type Gateway } from "../gateway/build.ts";
import { discoverPlugins } from "../plugin/discover.ts";
import { ChannelHealth } from "../routing/health.ts";
import type { RequestRecord } from "../stats/record.ts";
import { GatewayMetrics } from "./gateway_metrics.ts";
import type { MetricSources, QuotaSnapshot } from "./sources.ts";

const plugins = await discoverPlugins(new URL("../../plugins/", import.meta.url));
const env = (name: string) => ({ ALICE_KEY: "sk-alice-1234" } as Record<string, string>)[name];

const YAML = `
routing: { aliases: { fast: m1 } }
channels:
  - { name: a, plugin: echo, models: [m1, m2], model_map: { m3: m1 } }
  - { name: any, plugin: echo, models: "*" }
keys:
  - { name: alice, key: "\${ALICE_KEY}" }
`;

function gateway(yaml = YAML): Gateway {
  return buildGateway(parseConfig(yaml, "t.yaml", env), plugins);
}

/** A finished, routed, non-stream chat request; `fields` override. */
function rec(fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    time: 0,
    requestId: "r",
    key: "alice",
    endpoint: "chat",
    channel: "a",
    model: "m1",
    status: 200,
    attempts: 1,
    stream: false,
    protocol: "http",
    latencyMs: 100,
    upstreamMs: 99.5,
    ...fields,
  };
}

function setup(sources: Partial<MetricSources> = {}) {
  let current = gateway();
  const metrics = new GatewayMetrics({
    gateway: () => current,
    activeRequests: () => 3,
    startedAt: 1_000_000,
    ...sources,
  }, { version: "9.9.9", now: () => 1_042_000 });
  const scrape = () => parse(metrics.render());
  return { metrics, scrape, reload: (yaml: string) => current = gateway(yaml) };
}

/** The exposition read by a Prometheus text parser, with typed accessors. */
async function parse(text: string) {
  const m = await getMetricsFromIterator(text.split("\n")[Symbol.iterator]());
  return {
    values: (name: string) => (m[name]?.data ?? []) as PromData[],
    histograms: (name: string) => (m[name]?.data ?? []) as PromHistogramData[],
  };
}

Deno.test("GatewayMetrics counts requests, errors, tokens and cost by channel, model, key, status class", async () => {
  const { metrics, scrape } = setup();
  metrics.record(
    rec({ usage: { prompt: 10, completion: 4, cached: 6, reasoning: 1 }, costUsd: 0.5 }),
  );
  metrics.record(rec({ usage: { prompt: 1, completion: 2 }, costUsd: 0.25 }));
  metrics.record(rec({ status: 502, attempts: 3 }));
  metrics.record(rec({ key: "-", channel: undefined, model: undefined, status: 401 }));
  const m = await scrape();
  const labels = { channel: "a", model: "m1", key: "alice" };
  assert.deepEqual(m.values("sluice_requests_total"), [
    { labels: { ...labels, status: "2xx" }, value: 2 },
    { labels: { ...labels, status: "5xx" }, value: 1 },
    { labels: { channel: "", model: "", key: "", status: "4xx" }, value: 1 },
  ]);
  assert.deepEqual(m.values("sluice_request_errors_total").map((s) => s.labels.status), [
    "5xx",
    "4xx",
  ]);
  const tokens = m.values("sluice_tokens_total");
  assert.deepEqual(tokens.map((s) => [s.labels.type, s.labels.source, s.value]), [
    ["input", "reported", 11],
    ["output", "reported", 6],
    ["cached", "reported", 6],
    ["reasoning", "reported", 1],
  ]);
  assert.deepEqual(m.values("sluice_cost_usd_total"), [{ labels, value: 0.75 }]);
});

Deno.test("GatewayMetrics fills the GenAI histograms with the conventions' labels", async () => {
  const { metrics, scrape } = setup();
  metrics.record(rec({ usage: { prompt: 10, completion: 300 }, latencyMs: 30 }));
  metrics.record(
    rec({ stream: true, ttfbMs: 7, latencyMs: 900, usage: { prompt: 5, completion: 5 } }),
  );
  metrics.record(rec({ status: 429, latencyMs: 5 }));
  metrics.record(rec({ usage: { prompt: 99, completion: 99, estimated: true } }));
  metrics.record(rec({ endpoint: "models", channel: undefined, model: undefined }));
  const m = await scrape();
  const genAI = {
    gen_ai_operation_name: "chat",
    gen_ai_provider_name: "echo",
    gen_ai_request_model: "m1",
  };
  const usage = m.histograms("gen_ai_client_token_usage");
  assert.deepEqual(usage.map((h) => [h.labels.gen_ai_token_type, h.count, h.sum]), [
    ["input", 2, 15],
    ["output", 2, 305],
  ]);
  assert.deepEqual(usage[1].labels, { ...genAI, gen_ai_token_type: "output", channel: "a" });
  assert.equal(usage[1].buckets["256"], 1);
  assert.equal(usage[1].buckets["1024"], 2);
  const duration = m.histograms("gen_ai_server_request_duration_seconds");
  assert.deepEqual(duration.map((h) => [h.labels.error_type, h.count]), [["", 3], ["4xx", 1]]);
  assert.equal(duration[0].buckets["0.04"], 1);
  const ttft = m.histograms("gen_ai_server_time_to_first_token_seconds");
  assert.deepEqual(ttft.map((h) => [h.count, h.sum, h.buckets["0.01"]]), [[1, 0.007, 1]]);
});

Deno.test("GatewayMetrics measures overhead below a millisecond, streams up to the first byte", async () => {
  const { metrics, scrape } = setup();
  metrics.record(rec({ latencyMs: 100, upstreamMs: 99.85 }));
  metrics.record(rec({ stream: true, latencyMs: 5000, ttfbMs: 50.4, upstreamMs: 50 }));
  metrics.record(rec({ attempts: 2, latencyMs: 400, upstreamMs: 100 }));
  metrics.record(rec({ key: "-", status: 401, upstreamMs: undefined }));
  const overhead = (await scrape()).histograms("sluice_gateway_overhead_seconds");
  assert.deepEqual(overhead.map((h) => [h.labels.stream, h.count]), [["false", 1], ["true", 1]]);
  assert.equal(overhead[0].buckets["0.0002"], 1);
  assert.equal(overhead[0].buckets["0.0001"], 0);
  assert.equal(overhead[1].buckets["0.0005"], 1);
  assert.equal(overhead[1].buckets["0.0003"], 0);
});

Deno.test("GatewayMetrics turns names the config does not know into 'other'", async () => {
  const { metrics, scrape, reload } = setup();
  metrics.record(rec({ model: "fast" })); // an alias's own name: a record keeps it when routing fails
  metrics.record(rec({ channel: "any", model: "whatever-a-client-sent" }));
  metrics.record(rec({ channel: "nope", model: "m3", key: "mallory" }));
  metrics.record(rec({ channel: "any", model: "m2" }));
  reload(YAML.replace("models: [m1, m2]", "models: [m1]").replace("- { name: any", "# "));
  metrics.record(rec({ channel: "any", model: "m2" }));
  const seen = (await scrape()).values("sluice_requests_total").map((s) =>
    `${s.labels.channel}/${s.labels.model}/${s.labels.key} ${s.value}`
  );
  assert.deepEqual(seen, [
    "a/other/alice 1",
    "any/other/alice 1",
    "other/m3/other 1",
    "any/m2/alice 1",
    "other/other/alice 1",
  ]);
});

Deno.test("GatewayMetrics counts WebSocket sessions apart from HTTP requests", async () => {
  const { metrics, scrape } = setup();
  metrics.record(
    rec({
      protocol: "websocket",
      endpoint: "realtime",
      status: 101,
      latencyMs: 90_000,
      usage: { prompt: 3, completion: 4 },
    }),
  );
  const m = await scrape();
  assert.deepEqual(m.values("sluice_requests_total"), []);
  assert.deepEqual(
    m.values("sluice_websocket_sessions_total").map((s) => [s.labels.status, s.value]),
    [["1xx", 1]],
  );
  const [session] = m.histograms("sluice_websocket_session_duration_seconds");
  assert.deepEqual([session.count, session.buckets["60"], session.buckets["300"]], [1, 0, 1]);
  assert.equal(m.values("sluice_tokens_total").length, 2);
});

Deno.test("GatewayMetrics.render() reads breakers, activity, quotas, uptime and version at scrape time", async () => {
  let quotas: QuotaSnapshot[] = [
    {
      scope: "key",
      name: "alice",
      metric: "tokens",
      limit: 1000,
      remaining: 250,
      resetsAt: 1.7e12,
    },
  ];
  let now = 0;
  const health = new ChannelHealth({ now: () => now });
  const built = buildGateway(parseConfig(YAML, "t.yaml", env), plugins, { health });
  const metrics = new GatewayMetrics({
    gateway: () => built,
    activeRequests: () => 3,
    websocketSessions: () => 2,
    quotas: () => quotas,
    startedAt: 1_000_000,
  }, { version: "9.9.9", now: () => 1_042_000 });
  const scrape = async () => await parse(metrics.render());
  for (let i = 0; i < 3; i++) health.failure("a", "boom");
  let m = await scrape();
  assert.deepEqual(m.values("sluice_breaker_state").map((s) => [s.labels.channel, s.value]), [
    ["a", 2],
    ["any", 0],
  ]);
  now += built.config.routing.breaker.cooldown;
  m = await scrape();
  assert.deepEqual(m.values("sluice_breaker_state")[0].value, 1);
  assert.deepEqual(m.values("sluice_active_requests"), [{ labels: {}, value: 3 }]);
  assert.deepEqual(m.values("sluice_websocket_sessions_active"), [{ labels: {}, value: 2 }]);
  assert.deepEqual(m.values("sluice_uptime_seconds"), [{ labels: {}, value: 42 }]);
  assert.deepEqual(m.values("sluice_build_info"), [{ labels: { version: "9.9.9" }, value: 1 }]);
  const q = { scope: "key", name: "alice", metric: "tokens" };
  assert.deepEqual(m.values("sluice_quota_remaining"), [{ labels: q, value: 250 }]);
  assert.deepEqual(m.values("sluice_quota_limit"), [{ labels: q, value: 1000 }]);
  assert.deepEqual(m.values("sluice_quota_reset_timestamp_seconds"), [{ labels: q, value: 1.7e9 }]);
  quotas = [];
  assert.deepEqual((await scrape()).values("sluice_quota_remaining"), []);
});
