import assert from "node:assert/strict";
import zhipu, { clampSampling } from "./zhipu.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

Deno.test("zhipu defaults to BigModel and asks streams for usage", async () => {
  assert.equal(zhipu.defaults?.base_url, "https://open.bigmodel.cn/api/paas/v4");
  const request = await shapeRequest(zhipu, requestContext(zhipu, { stream: true }), {});
  assert.equal(request.url.href, "https://open.bigmodel.cn/api/paas/v4/chat/completions");
  assert.equal(request.headers.get("authorization"), "Bearer sk-test");
  assert.deepEqual((request.body as Record<string, unknown>).stream_options, {
    include_usage: true,
  });
});

Deno.test("clampSampling() keeps temperature and top_p inside GLM's ranges", () => {
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [{ temperature: 0.7, top_p: 0.5 }, { temperature: 0.7, top_p: 0.5 }],
    [{ temperature: 1.8 }, { temperature: 1 }],
    [{ temperature: 0 }, { do_sample: false }],
    [{ temperature: 0, do_sample: true }, { do_sample: true }],
    [{ top_p: 1 }, { top_p: 0.99 }],
    [{ top_p: 0 }, { top_p: 0.01 }],
    [{}, {}],
  ];
  for (const [input, expected] of cases) {
    const body = { ...input };
    clampSampling(body);
    assert.deepEqual(body, expected, JSON.stringify(input));
  }
});

Deno.test("zhipu.rewriteRequest() clamps chat sampling unless turned off", async () => {
  const on = await shapeRequest(zhipu, requestContext(zhipu), { temperature: 2, top_p: 1 });
  assert.equal((on.body as Record<string, unknown>).temperature, 1);
  assert.equal((on.body as Record<string, unknown>).top_p, 0.99);
  const off = requestContext(zhipu, { options: { clamp_sampling: false } });
  const raw = await shapeRequest(zhipu, off, { temperature: 2 });
  assert.equal((raw.body as Record<string, unknown>).temperature, 2);
  const embed = requestContext(zhipu, { endpoint: "embeddings" });
  assert.equal(
    ((await shapeRequest(zhipu, embed, { temperature: 2 })).body as Record<string, unknown>)
      .temperature,
    2,
  );
});

Deno.test("zhipu.listModels() falls back to the known models", async () => {
  const ctx = requestContext(zhipu);
  const failing = () => Promise.resolve(new Response("not found", { status: 404 }));
  const models = await zhipu.listModels!({ ...ctx, fetch: failing });
  assert.ok(models.includes("glm-4.6"));
  const listing = () => Promise.resolve(Response.json({ data: [{ id: "glm-5" }] }));
  assert.deepEqual(await zhipu.listModels!({ ...ctx, fetch: listing }), ["glm-5"]);
  const custom = requestContext(zhipu, { options: { models: ["glm-x"] } });
  assert.deepEqual(await zhipu.listModels!({ ...custom, fetch: failing }), ["glm-x"]);
});
