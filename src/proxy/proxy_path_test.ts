import assert from "node:assert/strict";
import { GatewayError } from "../errors.ts";
import { proxyTarget, rawTarget } from "./proxy_path.ts";

const refused = (base: string, path: string) =>
  assert.throws(
    () => proxyTarget(base, path),
    (e) => e instanceof GatewayError && e.status === 400 && e.code === "invalid_path",
    path,
  );

Deno.test("rawTarget() keeps the path exactly as sent", () => {
  assert.deepEqual(rawTarget("http://h:1/proxy/az/../x%2e?a=1"), {
    path: "/proxy/az/../x%2e",
    query: "?a=1",
  });
  assert.deepEqual(rawTarget("http://h"), { path: "/", query: "" });
});

Deno.test("proxyTarget() joins under the base URL, once", () => {
  const base = "https://api.example.com/v1";
  assert.equal(
    proxyTarget(base, "/models", "?limit=2"),
    "https://api.example.com/v1/models?limit=2",
  );
  assert.equal(proxyTarget(base, "/v1/models"), "https://api.example.com/v1/models");
  assert.equal(proxyTarget(base, ""), "https://api.example.com/v1");
  assert.equal(proxyTarget("https://r.example.com", "/openai/x"), "https://r.example.com/openai/x");
  assert.equal(proxyTarget(base, "/a%20b/c@d:e"), "https://api.example.com/v1/a%20b/c@d:e");
});

Deno.test("proxyTarget() refuses every way out of the channel", () => {
  const base = "https://api.example.com/v1";
  for (
    const path of [
      "/../x",
      "/a/../../x",
      "/%2e%2e/x",
      "/.%2E/x",
      "/%2E./x",
      "/./x",
      "/a%2Fb",
      "/a%2f..%2f..%2fb",
      "/a%5Cb",
      "/a\\b",
      "/a%00b",
      "/a%0d%0aHost:%20evil",
      "/%zz",
    ]
  ) refused(base, path);
});

Deno.test("proxyTarget() keeps userinfo-looking segments in the path, never the authority", () => {
  const url = new URL(proxyTarget("https://api.example.com/v1", "/AAAA@evil.example:1/steal"));
  assert.equal(url.host, "api.example.com");
  assert.equal(url.username, "");
});

Deno.test("proxyTarget() does not double the base URL's own path (cases of the old joiner)", () => {
  assert.equal(proxyTarget("https://a.example/v1", "/v1/models"), "https://a.example/v1/models");
  assert.equal(
    proxyTarget("https://a.example/v1", "/models", "?x=1"),
    "https://a.example/v1/models?x=1",
  );
  assert.equal(proxyTarget("https://a.example/v1", "/v10/x"), "https://a.example/v1/v10/x");
  assert.equal(proxyTarget("https://a.example", "/v1/models"), "https://a.example/v1/models");
  assert.equal(
    proxyTarget("https://g.example/v1beta", "/v1beta/models/m:generateContent"),
    "https://g.example/v1beta/models/m:generateContent",
  );
});

Deno.test("proxyTarget() lets the client pick the API version under the base URL's parent", () => {
  const gemini = "https://generativelanguage.googleapis.com/v1beta";
  // @google/genai sends its own version (v1beta by default, v1 when asked).
  assert.equal(
    proxyTarget(gemini, "/v1/models/g:generateContent", "?alt=sse"),
    "https://generativelanguage.googleapis.com/v1/models/g:generateContent?alt=sse",
  );
  assert.equal(
    proxyTarget(gemini, "/v1beta/models"),
    "https://generativelanguage.googleapis.com/v1beta/models",
  );
  assert.equal(
    proxyTarget(gemini, "/v1alpha/models"),
    "https://generativelanguage.googleapis.com/v1alpha/models",
  );
  // Another major version is a path like any other.
  assert.equal(
    proxyTarget("https://open.bigmodel.cn/api/paas/v4", "/v3/x"),
    "https://open.bigmodel.cn/api/paas/v4/v3/x",
  );
  // Only a version replaces a version: other paths stay relative to the base URL.
  assert.equal(
    proxyTarget(gemini, "/models/v1"),
    "https://generativelanguage.googleapis.com/v1beta/models/v1",
  );
  assert.equal(proxyTarget("https://a.example/openai", "/v1/x"), "https://a.example/openai/v1/x");
  // And the version cannot be a way out.
  refused(gemini, "/v1/../../x");
});
