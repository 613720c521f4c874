import assert from "node:assert/strict";
import type { GatewayError } from "../errors.ts";
import {
  answeredProtocol,
  checkHandshake,
  isWebSocketUpgrade,
  offeredProtocols,
} from "./handshake.ts";

const upgrade = (headers: Record<string, string>, method = "GET") =>
  new Request("http://gw/v1/realtime", { method, headers });

Deno.test("isWebSocketUpgrade() wants GET with Upgrade: websocket, in any case", () => {
  assert.ok(isWebSocketUpgrade(upgrade({ upgrade: "WebSocket" })));
  assert.ok(!isWebSocketUpgrade(upgrade({ upgrade: "websocket" }, "POST")));
  assert.ok(!isWebSocketUpgrade(upgrade({ upgrade: "h2c" })));
  assert.ok(!isWebSocketUpgrade(upgrade({})));
});

Deno.test("checkHandshake() refuses another version (426) and a missing key (400)", () => {
  const status = (headers: Record<string, string>) => {
    try {
      checkHandshake(new Headers(headers));
      return 0;
    } catch (error) {
      return (error as GatewayError).status;
    }
  };
  assert.equal(status({ "sec-websocket-version": "8", "sec-websocket-key": "k" }), 426);
  assert.equal(status({ "sec-websocket-version": "13" }), 400);
  assert.equal(status({ "sec-websocket-version": "13", "sec-websocket-key": "k" }), 0);
});

Deno.test("offeredProtocols() takes the key entry out and keeps the rest in order", () => {
  const headers = new Headers({
    "sec-websocket-protocol": "realtime, openai-insecure-api-key.sk-1,openai-beta.realtime-v1",
  });
  assert.deepEqual(offeredProtocols(headers), {
    protocols: ["realtime", "openai-beta.realtime-v1"],
    token: "sk-1",
  });
  assert.deepEqual(offeredProtocols(new Headers()), { protocols: [] });
});

Deno.test("answeredProtocol() prefers the upstream's choice the client offered", () => {
  assert.equal(answeredProtocol(["a", "b"], "b"), "b");
  assert.equal(answeredProtocol(["a", "b"], "c"), "a");
  assert.equal(answeredProtocol(["a"], ""), "a");
  assert.equal(answeredProtocol([], "c"), undefined);
});
