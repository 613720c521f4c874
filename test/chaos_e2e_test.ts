/**
 * Chaos: three channels that fail at random in every way we know (5xx, 429 with Retry-After,
 * hangs, connection resets, garbage bodies, error-first streams) and one healthy channel. Every
 * request must succeed, and none may take longer than the configured time budget.
 */
import assert from "node:assert/strict";
import { chatCompletion, sseResponse, startGateway, startUpstream } from "./_harness.ts";
import { chunk, fail, hang } from "./_faults.ts";
import { ResetBody, startRawUpstream } from "./_raw_upstream.ts";

const REQUESTS = 2_000;
const CONCURRENCY = 100;
const BUDGET_MS = 3_000;

/** Fails with probability 0.7, picking one of the failure kinds at random. */
function chaotic(seed: number) {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  return async (request: Request, body: string): Promise<Response | ResetBody> => {
    const stream = body.includes('"stream":true');
    if (random() >= 0.7) {
      return stream
        ? sseResponse([chunk("ok"), chunk("", "stop"), "[DONE]"])
        : Response.json(chatCompletion("flaky but fine"));
    }
    switch (Math.floor(random() * 6)) {
      case 0:
        return fail(500);
      case 1:
        return fail(429, { "retry-after": "0.2" });
      case 2:
        return await hang(request, 3_000);
      case 3:
        // Reset: the connection breaks before any of the body is sent.
        return new ResetBody();
      case 4:
        return new Response("<html>bad gateway</html>", { status: 200 });
      default:
        return stream ? sseResponse([{ error: { message: "overloaded", code: 503 } }]) : fail(503);
    }
  };
}

Deno.test({
  name: "chaos: every request succeeds within the time budget while three channels misbehave",
  async fn() {
    const flaky = [chaotic(1), chaotic(2), chaotic(3)].map((h) => startRawUpstream(h));
    const healthy = startUpstream((_req, body) =>
      body.includes('"stream":true')
        ? sseResponse([chunk("healthy"), chunk("", "stop"), "[DONE]"])
        : Response.json(chatCompletion("healthy"))
    );
    const gateway = await startGateway(`
defaults: { timeout: 400ms, retry: 1 }
routing:
  max_attempts: 8
  max_total_time: ${BUDGET_MS}ms
  breaker: { failures: 3, cooldown: 100ms, max_cooldown: 400ms }
channels:
${
      flaky.map((u, i) =>
        `  - { name: flaky${i}, plugin: openai, base_url: "${u.url}", keys: [k], models: [m], priority: 1 }`
      ).join("\n")
    }
  - { name: healthy, plugin: openai, base_url: "${healthy.url}", keys: [k], models: [m], priority: 2 }
`);
    try {
      const durations: number[] = [];
      const statuses = new Map<number, number>();
      let next = 0;
      const worker = async () => {
        while (next < REQUESTS) {
          const i = next++;
          const stream = i % 3 === 0;
          const started = performance.now();
          const res = await fetch(`${gateway.url}/v1/chat/completions`, {
            method: "POST",
            body: JSON.stringify({
              model: "m",
              stream,
              messages: [{ role: "user", content: `request ${i}` }],
            }),
          });
          const text = await res.text();
          durations.push(performance.now() - started);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status !== 200 || (stream && !text.includes("[DONE]"))) {
            throw new Error(`request ${i} got ${res.status}: ${text.slice(0, 300)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      assert.deepEqual([...statuses], [[200, REQUESTS]]);
      const slowest = Math.max(...durations);
      assert.ok(slowest <= BUDGET_MS + 250, `slowest request took ${Math.round(slowest)}ms`);
      // The chaos really happened: the flaky channels failed and the breakers tripped.
      const health = gateway.holder.current.health;
      const failures = flaky.map((_, i) => health.snapshot(`flaky${i}`).failures);
      assert.ok(failures.every((f) => f > 20), `failures per flaky channel: ${failures}`);
    } finally {
      await gateway.close();
      await Promise.all([...flaky, healthy].map((u) => u.close()));
    }
  },
});
