import assert from "node:assert/strict";
import dashscope, { thinksByDefault } from "./dashscope.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

Deno.test("dashscope defaults to the Beijing compatible-mode endpoint", async () => {
  assert.equal(dashscope.defaults?.base_url, "https://dashscope.aliyuncs.com/compatible-mode/v1");
  const request = await shapeRequest(dashscope, requestContext(dashscope, { stream: true }), {});
  assert.equal(
    request.url.href,
    "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
  );
  assert.equal(request.headers.get("authorization"), "Bearer sk-test");
  assert.deepEqual((request.body as Record<string, unknown>).stream_options, {
    include_usage: true,
  });
});

Deno.test("thinksByDefault() picks out open-source Qwen3 models", () => {
  for (const model of ["qwen3-8b", "qwen3-235b-a22b", "qwen3-30b-a3b"]) {
    assert.equal(thinksByDefault(model), true, model);
  }
  for (const model of ["qwen3-max", "qwen3-coder-plus", "qwen3.5-plus", "qwen-plus", "qwq-plus"]) {
    assert.equal(thinksByDefault(model), false, model);
  }
});

Deno.test("dashscope.rewriteRequest() turns thinking off for non-stream open-source Qwen3", async () => {
  const body = (r: { body: unknown }) => r.body as Record<string, unknown>;
  const nonStream = requestContext(dashscope, { model: "qwen3-32b" });
  assert.equal(body(await shapeRequest(dashscope, nonStream, {})).enable_thinking, false);
  // The client's own choice, streams, other models and other endpoints are left alone.
  assert.equal(
    body(await shapeRequest(dashscope, nonStream, { enable_thinking: true })).enable_thinking,
    true,
  );
  const stream = requestContext(dashscope, { model: "qwen3-32b", stream: true });
  assert.equal(body(await shapeRequest(dashscope, stream, {})).enable_thinking, undefined);
  const commercial = requestContext(dashscope, { model: "qwen-plus" });
  assert.equal(body(await shapeRequest(dashscope, commercial, {})).enable_thinking, undefined);
  const off = requestContext(dashscope, {
    model: "qwen3-32b",
    options: { non_stream_thinking_off: false },
  });
  assert.equal(body(await shapeRequest(dashscope, off, {})).enable_thinking, undefined);
});
