import assert from "node:assert/strict";
import moonshot from "./moonshot.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

const sampling = { temperature: 0.3, top_p: 0.9, presence_penalty: 1, frequency_penalty: 1, n: 1 };

Deno.test("moonshot defaults to the China platform and asks streams for usage", async () => {
  assert.equal(moonshot.defaults?.base_url, "https://api.moonshot.cn/v1");
  const request = await shapeRequest(moonshot, requestContext(moonshot, { stream: true }), {});
  assert.equal(request.url.href, "https://api.moonshot.cn/v1/chat/completions");
  assert.equal(request.headers.get("authorization"), "Bearer sk-test");
  assert.deepEqual((request.body as Record<string, unknown>).stream_options, {
    include_usage: true,
  });
});

Deno.test("moonshot.rewriteRequest() drops fixed sampling parameters for kimi models", async () => {
  const kimi = requestContext(moonshot, { model: "kimi-k2.6" });
  const body = (await shapeRequest(moonshot, kimi, { ...sampling })).body as Record<
    string,
    unknown
  >;
  assert.deepEqual(
    Object.keys(body).filter((k) => k in sampling),
    ["n"],
  );
  const v1 = requestContext(moonshot, { model: "moonshot-v1-8k" });
  assert.equal(
    ((await shapeRequest(moonshot, v1, { ...sampling })).body as typeof sampling).temperature,
    0.3,
  );
  const off = requestContext(moonshot, { model: "kimi-k2.6", options: { fixed_sampling: false } });
  assert.equal(
    ((await shapeRequest(moonshot, off, { ...sampling })).body as typeof sampling).temperature,
    0.3,
  );
});

Deno.test("moonshot.extractUsage() reads cached_tokens, also inside choices[0]", () => {
  const ctx = requestContext(moonshot);
  const top = moonshot.extractUsage!({
    usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25, cached_tokens: 16 },
  }, ctx);
  assert.equal(top?.prompt_tokens_details?.cached_tokens, 16);
  const legacy = moonshot.extractUsage!({
    choices: [{
      index: 0,
      delta: {},
      finish_reason: "stop",
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    }],
  }, ctx);
  assert.equal(legacy?.prompt_tokens, 3);
  assert.equal(moonshot.extractUsage!({ choices: [{ delta: { content: "x" } }] }, ctx), undefined);
});
