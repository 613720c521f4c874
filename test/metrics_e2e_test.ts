/**
 * `GET /metrics` end to end: real requests through a real gateway to a local upstream
 * (successes, an upstream 4xx, 5xx that open a breaker, a stream, refused and unroutable
 * requests), then the page read by a Prometheus text parser from npm (`prom2javascript`, which
 * also checks each histogram's `+Inf` bucket against its `_count`) and its counts, sums and
 * labels checked.
 */
import assert from "node:assert/strict";
import { getMetricsFromIterator, type PromData, type PromHistogramData } from "prom2javascript";
import denoJson from "../deno.json" with { type: "json" };
import type { GatewayHolder } from "../src/gateway/holder.ts";
import { GatewayMetrics } from "../src/metrics/gateway_metrics.ts";
import { chatCompletion, sseResponse, startGateway, startUpstream } from "./_harness.ts";

function upstream() {
  return startUpstream((request, body) => {
    if (new URL(request.url).pathname.startsWith("/flaky")) {
      return Response.json({ error: { message: "overloaded" } }, { status: 500 });
    }
    const json = JSON.parse(body);
    if (json.model === "m-bad") {
      const error = { message: "bad temperature", type: "invalid_request_error" };
      return Response.json({ error }, { status: 400 });
    }
    if (!json.stream) return Response.json(chatCompletion("ok", json.model, { p: 5, c: 3 }));
    const chunk = { id: "c", object: "chat.completion.chunk", created: 1, model: json.model };
    return sseResponse([
      { ...chunk, choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "stop" }] },
      { ...chunk, choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } },
      "[DONE]",
    ]);
  });
}

const yaml = (url: string, extra = "") => `
admin: { key: admin-secret }
${extra}
channels:
  - { name: main, plugin: openai, base_url: "${url}", keys: [sk-up], models: [m-ok, m-bad], retry: 0 }
  - { name: flaky, plugin: openai, base_url: "${url}/flaky", keys: [sk-up], models: [m-down], retry: 0 }
keys:
  - { name: alice, key: sk-alice }
`;

const metrics = (holder: GatewayHolder) =>
  new GatewayMetrics({ gateway: () => holder.current, activeRequests: () => 0, startedAt: 0 });

/** Sends a chat request and reads the whole answer; `key: null` sends none. */
async function chat(
  url: string,
  model: string,
  options: { key?: string | null; stream?: boolean },
) {
  const key = options.key === undefined ? "sk-alice" : options.key;
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({
      model,
      stream: options.stream ?? false,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  await response.text();
  return response.status;
}

async function parse(text: string) {
  const parsed = await getMetricsFromIterator(text.split("\n")[Symbol.iterator]());
  return {
    parsed,
    values: (name: string) => (parsed[name]?.data ?? []) as PromData[],
    histograms: (name: string) => (parsed[name]?.data ?? []) as PromHistogramData[],
  };
}

/** The format's grouping rule: a TYPE line, then only that family's samples, each family once. */
function assertGrouped(text: string) {
  const seen = new Set<string>();
  let family = "";
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      assert.ok(!seen.has(type[1]), `TYPE ${type[1]} twice`);
      seen.add(family = type[1]);
    } else if (line !== "" && !line.startsWith("#")) {
      const name = line.split(/[{ ]/)[0];
      assert.ok(
        [family, `${family}_bucket`, `${family}_sum`, `${family}_count`].includes(name),
        `${name} outside its family (${family})`,
      );
    }
  }
  assert.ok(text.endsWith("\n"));
}

Deno.test("GET /metrics counts real traffic: requests, errors, tokens, histograms, breakers", async () => {
  const up = upstream();
  const logs: string[] = [];
  const gateway = await startGateway(yaml(up.url), { metrics, log: (l) => logs.push(l) });
  try {
    const send = [
      () => chat(gateway.url, "m-ok", {}),
      () => chat(gateway.url, "m-ok", {}),
      () => chat(gateway.url, "m-ok", { stream: true }),
      () => chat(gateway.url, "m-bad", {}),
      // Three upstream 500s open the flaky channel's breaker.
      ...[1, 2, 3].map(() => () => chat(gateway.url, "m-down", {})),
      () => chat(gateway.url, "m-ok", { key: null }),
      // Five model names no channel serves: one "other" series, not five.
      ...["x1", "x2", "x3", "x4", "x5"].map((m) => () => chat(gateway.url, m, {})),
    ];
    const statuses: number[] = [];
    for (const request of send) statuses.push(await request());
    assert.deepEqual(statuses, [200, 200, 200, 400, 502, 502, 502, 401, 404, 404, 404, 404, 404]);
    await gateway.recorded(statuses.length);

    const response = await fetch(`${gateway.url}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    assertGrouped(text);
    const m = await parse(text);

    const requests = m.values("sluice_requests_total").map((s) =>
      `${s.labels.channel}|${s.labels.model}|${s.labels.key}|${s.labels.status} ${s.value}`
    );
    assert.deepEqual(
      requests.sort(),
      [
        "|other|alice|4xx 5",
        "|||4xx 1",
        "flaky|m-down|alice|5xx 3",
        "main|m-bad|alice|4xx 1",
        "main|m-ok|alice|2xx 3",
      ].sort(),
    );
    const errors = m.values("sluice_request_errors_total");
    const errorsBy = (status: string) =>
      errors.filter((s) => s.labels.status === status).reduce((n, s) => n + s.value, 0);
    assert.deepEqual([errorsBy("4xx"), errorsBy("5xx")], [7, 3]);

    const tokens = m.values("sluice_tokens_total").map((s) =>
      `${s.labels.channel}|${s.labels.model}|${s.labels.type}|${s.labels.source} ${s.value}`
    );
    assert.deepEqual(tokens.sort(), ["main|m-ok|input|reported 17", "main|m-ok|output|reported 8"]);

    const usage = m.histograms("gen_ai_client_token_usage");
    assert.deepEqual(usage.map((h) => [h.labels.gen_ai_token_type, h.count, h.sum]), [
      ["input", 3, 17],
      ["output", 3, 8],
    ]);
    assert.deepEqual(usage[0].labels, {
      gen_ai_operation_name: "chat",
      gen_ai_provider_name: "openai",
      gen_ai_request_model: "m-ok",
      gen_ai_token_type: "input",
      channel: "main",
    });
    assert.deepEqual(usage[0].buckets["4"], 0);
    assert.deepEqual(usage[0].buckets["16"], 3);

    const duration = m.histograms("gen_ai_server_request_duration_seconds").map((h) =>
      `${h.labels.channel}|${h.labels.gen_ai_request_model}|${h.labels.error_type} ${h.count}`
    );
    assert.deepEqual(duration.sort(), ["flaky|m-down|5xx 3", "main|m-bad|4xx 1", "main|m-ok| 3"]);
    assert.deepEqual(
      m.histograms("gen_ai_server_time_to_first_token_seconds").map((h) => h.count),
      [1],
    );

    const overhead = m.histograms("sluice_gateway_overhead_seconds");
    const main = (stream: string) =>
      overhead.find((h) => h.labels.channel === "main" && h.labels.stream === stream);
    assert.deepEqual([main("false")?.count, main("true")?.count], [2, 1]);
    for (const h of overhead) assert.ok(h.sum! < h.count, "each overhead under a second");
    for (const h of [...usage, ...overhead]) {
      const counts = Object.entries(h.buckets).sort(([a], [b]) => Number(a) - Number(b))
        .map(([, n]) => n); // Number("+Inf") is Infinity
      assert.deepEqual(counts, [...counts].sort((a, b) => a - b), "buckets are cumulative");
    }

    assert.deepEqual(
      m.values("sluice_breaker_state").map((s) => [s.labels.channel, s.value]),
      [["main", 0], ["flaky", 2]],
    );
    assert.match(m.parsed.sluice_breaker_state.help, /0 closed, 1 half-open, 2 open/);
    assert.deepEqual(m.values("sluice_build_info"), [{
      labels: { version: denoJson.version },
      value: 1,
    }]);
    assert.ok(m.values("sluice_uptime_seconds")[0].value > 0);
    assert.equal(m.parsed.sluice_active_requests.type, "gauge");
    assert.deepEqual(logs.filter((l) => /bug/i.test(l)), []);
  } finally {
    await gateway.close();
    await up.close();
  }
});

Deno.test("GET /metrics needs a key off loopback, behind a proxy, or when access is key", async () => {
  const up = upstream();
  const open = await startGateway(yaml(up.url), { metrics });
  const keyed = await startGateway(yaml(up.url, "metrics: { access: key, key: scrape-token }"), {
    metrics,
  });
  const bare = await startGateway(yaml(up.url));
  const get = (url: string, headers: Record<string, string> = {}, method = "GET") =>
    fetch(`${url}/metrics`, { method, headers }).then(async (r) =>
      [r.status, await r.text()] as const
    );
  try {
    assert.equal((await get(open.url))[0], 200);
    const proxied = await get(open.url, { "x-forwarded-for": "203.0.113.9" });
    assert.equal(proxied[0], 401);
    assert.match(proxied[1], /Missing metrics key/);
    assert.equal(
      (await get(open.url, {
        "x-forwarded-for": "203.0.113.9",
        authorization: "Bearer admin-secret",
      }))[0],
      200,
    );
    assert.equal((await get(keyed.url))[0], 401);
    assert.equal((await get(keyed.url, { authorization: "Bearer wrong" }))[0], 401);
    assert.equal((await get(keyed.url, { authorization: "Bearer scrape-token" }))[0], 200);
    assert.equal((await get(keyed.url, { "x-api-key": "admin-secret" }))[0], 200);
    // The scrape token opens /metrics only.
    const admin = await fetch(`${keyed.url}/admin/stats`, {
      headers: { authorization: "Bearer scrape-token" },
    });
    await admin.body?.cancel();
    assert.equal(admin.status, 401);
    assert.equal((await get(keyed.url, {}, "POST"))[0], 405);
    // A gateway built without metrics says so rather than proxying the path to a channel.
    assert.equal((await get(bare.url))[0], 404);
  } finally {
    await Promise.all([open.close(), keyed.close(), bare.close()]);
    await up.close();
  }
});
