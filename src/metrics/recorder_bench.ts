/**
 * What counting a request costs on the request path, against the access log's line for scale:
 *
 *   deno bench --allow-read --allow-env src/metrics/recorder_bench.ts
 */
import { parseConfig } from "../config/load.ts";
import { buildGateway } from "../gateway/build.ts";
import { discoverPlugins } from "../plugin/discover.ts";
import { formatLine } from "../stats/access_log.ts";
import type { RequestRecord } from "../stats/record.ts";
import { GatewayMetrics } from "./gateway_metrics.ts";

const plugins = await discoverPlugins(new URL("../../plugins/", import.meta.url));
const yaml = `
channels:
  - { name: a, plugin: echo, models: [m1, m2] }
  - { name: b, plugin: echo, models: [m1, m2] }
keys: [{ name: alice, key: sk-alice-123 }, { name: bob, key: sk-bob-1234 }]
`;
const gateway = buildGateway(parseConfig(yaml, "bench.yaml", () => undefined), plugins);
const metrics = new GatewayMetrics({
  gateway: () => gateway,
  activeRequests: () => 0,
  startedAt: 0,
});

const chat: RequestRecord = {
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
  latencyMs: 120.3,
  upstreamMs: 119.9,
  usage: { prompt: 812, completion: 96, cached: 512 },
  costUsd: 0.0031,
};
const stream: RequestRecord = { ...chat, key: "bob", channel: "b", stream: true, ttfbMs: 40.2 };
const refused: RequestRecord = {
  ...chat,
  key: "-",
  channel: undefined,
  model: undefined,
  status: 401,
  usage: undefined,
  costUsd: undefined,
  upstreamMs: undefined,
};
const unknownModel: RequestRecord = {
  ...refused,
  key: "alice",
  model: "made-up-by-a-client",
  status: 404,
};
for (const r of [chat, stream, refused, unknownModel]) metrics.record(r); // rows built once

Deno.bench("record() a routed chat request with usage and cost", { baseline: true }, () => {
  metrics.record(chat);
});
Deno.bench("record() a stream (TTFT, overhead up to first byte)", () => {
  metrics.record(stream);
});
Deno.bench("record() a refused request", () => {
  metrics.record(refused);
});
Deno.bench("record() an unknown model (bucketed as other)", () => {
  metrics.record(unknownModel);
});
Deno.bench("for scale: the access log's text line for the same request", () => {
  formatLine(chat);
});
Deno.bench("render() the page at scrape time", () => {
  metrics.render();
});
