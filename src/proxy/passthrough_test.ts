import assert from "node:assert/strict";
import { joinUpstreamPath } from "./passthrough.ts";

Deno.test("joinUpstreamPath() does not double the base URL's own path", () => {
  assert.equal(
    joinUpstreamPath("https://a.example/v1", "/v1/models"),
    "https://a.example/v1/models",
  );
  assert.equal(
    joinUpstreamPath("https://a.example/v1", "/models?x=1"),
    "https://a.example/v1/models?x=1",
  );
  assert.equal(joinUpstreamPath("https://a.example/v1", "/v10/x"), "https://a.example/v1/v10/x");
  assert.equal(joinUpstreamPath("https://a.example", "/v1/models"), "https://a.example/v1/models");
  assert.equal(
    joinUpstreamPath("https://g.example/v1beta", "/v1beta/models/m:generateContent"),
    "https://g.example/v1beta/models/m:generateContent",
  );
});
