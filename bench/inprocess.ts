/**
 * The gateway's own work per request, with the network taken out: requests go through
 * `app.fetch()` and the upstream `fetch` is a stub answering the reference body at once. What is
 * left is Sluice's JavaScript (routing, auth, parsing, the relay, stats) plus the Request and
 * Response objects, so the figure is repeatable on a busy machine, where wrk's are not.
 *
 *   deno run -A --unstable-no-legacy-abort bench/inprocess.ts      (N=30000 requests by default)
 */
import { parseConfig } from "../src/config/load.ts";
import { buildGateway } from "../src/gateway/build.ts";
import { GatewayHolder } from "../src/gateway/holder.ts";
import { createApp } from "../src/http/app.ts";
import { discoverPlugins } from "../src/plugin/discover.ts";
import { AccessLog } from "../src/stats/access_log.ts";

const UPSTREAM_BODY =
  '{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the reference upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}';
const CLIENT_BODY =
  '{"model":"bench-model","messages":[{"role":"user","content":"Say hello in one short sentence."}]}';

const stubFetch = (() =>
  Promise.resolve(
    new Response(UPSTREAM_BODY, {
      headers: {
        "content-type": "application/json",
        "content-length": String(UPSTREAM_BODY.length),
      },
    }),
  )) as typeof fetch;

const plugins = await discoverPlugins(new URL("../plugins/", import.meta.url));
const gateway = buildGateway(
  parseConfig(
    `
channels:
  - { name: reference, plugin: openai, base_url: "http://127.0.0.1:9201/v1", keys: [k], models: [bench-model] }
keys:
  - { name: bench, key: sk-bench }
`,
    "bench",
    () => undefined,
  ),
  plugins,
);
const app = createApp({
  holder: new GatewayHolder(gateway, () => Promise.resolve(gateway)),
  recorder: new AccessLog({ write: () => {} }),
  kv: await Deno.openKv(":memory:"),
  fetch: stubFetch,
});

const request = () =>
  new Request("http://127.0.0.1/v1/chat/completions", {
    method: "POST",
    headers: {
      authorization: "Bearer sk-bench",
      "content-type": "application/json",
      "content-length": String(CLIENT_BODY.length),
    },
    body: CLIENT_BODY,
  });

/** µs per request of `handle`, after a warm-up. */
async function measure(handle: (r: Request) => Promise<Response>, n: number): Promise<number> {
  for (let i = 0; i < 5_000; i++) await (await handle(request())).arrayBuffer();
  const started = performance.now();
  for (let i = 0; i < n; i++) await (await handle(request())).arrayBuffer();
  return (performance.now() - started) * 1000 / n;
}

// The floor: the same Request/Response churn with nothing in between.
const bare = async (r: Request) => {
  const upstream = await stubFetch("", { body: await r.arrayBuffer() });
  return new Response(upstream.body, { headers: { "content-type": "application/json" } });
};

const n = Number(Deno.env.get("N") ?? 30_000);
const sluice = await measure((r) => Promise.resolve(app.fetch(r)), n);
const floor = await measure(bare, n);
console.log(`Sluice in-process: ${sluice.toFixed(1)} µs/request (${n} requests)`);
console.log(`bare handler:      ${floor.toFixed(1)} µs/request`);
console.log(`Sluice's own work: ${(sluice - floor).toFixed(1)} µs/request`);
