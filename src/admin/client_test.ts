import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientAddress, isHttps } from "./client.ts";

/** What `clientAddress` and `isHttps` say for a request from `peer` with `headers`. */
async function seen(peer: string, headers: Record<string, string>, url = "http://gw.test/x") {
  const app = new Hono();
  app.get("/x", (c) => {
    const remote = () => peer;
    return c.json({ address: clientAddress(c, remote), https: isHttps(c, remote) });
  });
  return await (await app.request(url, { headers })).json();
}

Deno.test("clientAddress() and isHttps() believe forwarding headers from a loopback proxy only", async () => {
  const forwarded = { "x-forwarded-for": "1.2.3.4, 5.6.7.8", "x-forwarded-proto": "https" };
  assert.deepEqual(await seen("127.0.0.1", forwarded), { address: "5.6.7.8", https: true });
  assert.deepEqual(await seen("::1", forwarded), { address: "5.6.7.8", https: true });
  assert.deepEqual(await seen("203.0.113.9", forwarded), { address: "203.0.113.9", https: false });
  assert.deepEqual(await seen("127.0.0.1", {}), { address: "127.0.0.1", https: false });
  assert.deepEqual(await seen("203.0.113.9", {}, "https://gw.test/x"), {
    address: "203.0.113.9",
    https: true,
  });
});
