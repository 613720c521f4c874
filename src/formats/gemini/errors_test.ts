import assert from "node:assert/strict";
import { jsonFixture } from "./_fixtures.ts";
import { errorStatus, geminiErrorToFailure, retryDelaySeconds } from "./errors.ts";

Deno.test("geminiErrorToFailure() makes an invalid API key a 401", async () => {
  const failure = geminiErrorToFailure(400, await jsonFixture("error_api_key_invalid.json"));
  assert.deepEqual(failure, {
    status: 401,
    message: "API key not valid. Please pass a valid API key.",
    type: "authentication_error",
    code: "API_KEY_INVALID",
  });
});

Deno.test("geminiErrorToFailure() maps RESOURCE_EXHAUSTED to 429 with RetryInfo", async () => {
  const failure = geminiErrorToFailure(429, await jsonFixture("error_resource_exhausted.json"));
  assert.equal(failure?.status, 429);
  assert.equal(failure?.type, "rate_limit_error");
  assert.equal(failure?.code, "RESOURCE_EXHAUSTED");
  assert.equal(failure?.retryAfter, 37);
  assert.match(failure?.message ?? "", /exceeded your current quota/);
});

Deno.test("geminiErrorToFailure() reads array-wrapped errors and keeps 5xx", () => {
  assert.deepEqual(
    geminiErrorToFailure(503, [{
      error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" },
    }]),
    {
      status: 503,
      message: "The model is overloaded.",
      type: "upstream_error",
      code: "UNAVAILABLE",
    },
  );
});

Deno.test("geminiErrorToFailure() returns undefined for other bodies", () => {
  assert.equal(geminiErrorToFailure(500, undefined), undefined);
  assert.equal(geminiErrorToFailure(500, { error: "oops" }), undefined);
});

Deno.test("errorStatus() falls back to the canonical code", () => {
  assert.equal(errorStatus(404, "NOT_FOUND"), 404);
  assert.equal(errorStatus(0, "PERMISSION_DENIED"), 403);
  assert.equal(errorStatus(undefined, "WHAT"), 502);
});

Deno.test("retryDelaySeconds() rounds fractional durations up", () => {
  assert.equal(
    retryDelaySeconds([{
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "1.2s",
    }]),
    2,
  );
  assert.equal(retryDelaySeconds([{ "@type": "x", retryDelay: "5s" }]), undefined);
});
