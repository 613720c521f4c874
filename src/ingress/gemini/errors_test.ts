import assert from "node:assert/strict";
import { GatewayError, UpstreamError } from "../../errors.ts";
import { geminiErrorEvent, renderGeminiError, statusName } from "./errors.ts";

Deno.test("statusName() gives Google's canonical names", () => {
  const names = [400, 401, 403, 404, 429, 500, 502, 503, 504].map(statusName);
  assert.deepEqual(names, [
    "INVALID_ARGUMENT",
    "UNAUTHENTICATED",
    "PERMISSION_DENIED",
    "NOT_FOUND",
    "RESOURCE_EXHAUSTED",
    "INTERNAL",
    "UNAVAILABLE",
    "UNAVAILABLE",
    "DEADLINE_EXCEEDED",
  ]);
});

Deno.test("renderGeminiError() shapes google.rpc.Status with ErrorInfo and RetryInfo", async () => {
  const response = renderGeminiError(
    new GatewayError(429, 'Key "alice" is out of requests', {
      code: "quota_exceeded",
      headers: { "retry-after": "37" },
    }),
    "req-1",
  );
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "37");
  assert.equal(response.headers.get("x-request-id"), "req-1");
  assert.deepEqual(await response.json(), {
    error: {
      code: 429,
      message: 'Key "alice" is out of requests',
      status: "RESOURCE_EXHAUSTED",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "QUOTA_EXCEEDED",
          domain: "sluice",
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "37s" },
      ],
    },
  });
});

Deno.test("geminiErrorEvent() is the error object Gemini ends a stream with", () => {
  const event = geminiErrorEvent(new UpstreamError(504, "Stream timed out after 300s"));
  assert.deepEqual(JSON.parse(event.data), {
    error: { code: 504, message: "Stream timed out after 300s", status: "DEADLINE_EXCEEDED" },
  });
});
