import assert from "node:assert/strict";
import { presentedWebSocketToken } from "./auth.ts";

Deno.test("presentedWebSocketToken() reads headers, then the subprotocol, then the query", () => {
  const token = (url: string, headers: Record<string, string> = {}) =>
    presentedWebSocketToken(new Request(url, { headers }), new URL(url));
  assert.equal(token("http://gw/x?key=q", { authorization: "Bearer h" }), "h");
  assert.equal(token("http://gw/x?key=q", { "api-key": "az" }), "az");
  assert.equal(
    token("http://gw/x?key=q", { "sec-websocket-protocol": "realtime, openai-insecure-api-key.p" }),
    "p",
  );
  assert.equal(token("http://gw/x?key=q"), "q");
  assert.equal(token("http://gw/x?api-key=a"), "a");
  assert.equal(token("http://gw/x"), undefined);
});
