import assert from "node:assert/strict";
import { Hono } from "hono";
import type { GatewayError } from "../errors.ts";
import { checkCsrfToken, checkSameOrigin } from "./csrf.ts";

async function origin(headers: Record<string, string>, https = false): Promise<string> {
  const app = new Hono();
  app.post("/x", (c) => {
    try {
      checkSameOrigin(c, https);
      return c.text("ok");
    } catch (error) {
      return c.text((error as GatewayError).message);
    }
  });
  return await (await app.request("http://gw.test:8787/x", { method: "POST", headers })).text();
}

Deno.test("checkSameOrigin() lets this origin and unmarked requests through, and nothing else", async () => {
  assert.equal(await origin({}), "ok");
  assert.equal(await origin({ origin: "http://gw.test:8787" }), "ok");
  assert.equal(await origin({ "sec-fetch-site": "same-origin" }), "ok");
  assert.equal(await origin({ "sec-fetch-site": "none" }), "ok");
  assert.equal(await origin({ origin: "https://gw.test:8787" }, true), "ok");
  assert.match(await origin({ origin: "http://gw.test:8787" }, true), /Cross-origin/);
  assert.match(await origin({ origin: "http://evil.test:8787" }), /Cross-origin.*evil/);
  assert.match(await origin({ origin: "null" }), /Cross-origin/);
  assert.match(await origin({ "sec-fetch-site": "same-site" }), /Sec-Fetch-Site: "same-site"/);
  assert.match(await origin({ "sec-fetch-site": "cross-site" }), /Cross-site/);
});

Deno.test("checkCsrfToken() wants the session's token, exactly", () => {
  const token = "a".repeat(43);
  checkCsrfToken(token, token);
  assert.throws(() => checkCsrfToken(token, undefined), /Missing CSRF token/);
  assert.throws(() => checkCsrfToken(token, ""), /Missing CSRF token/);
  assert.throws(() => checkCsrfToken(token, token + "a"), /Invalid CSRF token/);
  assert.throws(
    () => checkCsrfToken(token, "b".repeat(43)),
    (e) => (e as GatewayError).status === 403,
  );
});
