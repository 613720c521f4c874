/**
 * WebSocket sessions end to end: a real gateway between real sockets, a local upstream made with
 * `Deno.upgradeWebSocket` that records what its handshakes carried. Every test closes every
 * socket it opened and waits for both sides to see it, so Deno's sanitizers stay quiet.
 */
import assert from "node:assert/strict";
import { startGateway, type TestGateway } from "./_harness.ts";
import {
  connect,
  droppingUpstream,
  opened,
  rawHandshake,
  received,
  stalledClient,
  startWsUpstream,
  within,
  type WsUpstream,
  type WsUpstreamOptions,
} from "./_ws_upstream.ts";

const ROOT = "sk-gw-ws-root-0001";
const ALICE = "sk-gw-ws-alice-0002";
const OLD = "sk-gw-ws-old-0003";
const REAL = "sk-real-upstream-SECRET-9999";
const DS_KEY = "sk-gw-ws-dashscope-0004";

interface Rig {
  gateway: TestGateway;
  upstream: WsUpstream;
  /** `ws://gateway` + path. */
  ws(path: string): string;
}

/** A gateway with an `openai` channel on a local WebSocket upstream, and three keys. */
async function withRig(
  run: (rig: Rig) => Promise<void>,
  options: {
    upstream?: WsUpstreamOptions;
    websocket?: string;
    /** More channel lines; `BASE` stands for the upstream's http:// URL. */
    channels?: string;
    keys?: string;
  } = {},
) {
  const upstream = startWsUpstream(options.upstream);
  const base = upstream.url.replace("ws:", "http:");
  const gateway = await startGateway(`
routing: { aliases: { voice: gpt-realtime } }
websocket: { ${options.websocket ?? ""} }
channels:
  - { name: rt, plugin: openai, base_url: "${base}/v1", keys: [${REAL}], models: [gpt-realtime, gpt-realtime-mini] }
${(options.channels ?? "").replaceAll("BASE", base)}
keys:
  - { name: root, key: ${ROOT} }
  - { name: alice, key: ${ALICE}, models: [gpt-realtime-mini] }
  - { name: old, key: ${OLD}, expires: 2020-01-01 }
${options.keys ?? ""}
`);
  try {
    await run({ gateway, upstream, ws: (path) => gateway.url.replace("http:", "ws:") + path });
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

Deno.test("ws: text and binary messages are relayed both ways, in order", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    const sent = ["one", new Uint8Array([1, 2, 3]).buffer, "three", new Uint8Array(0).buffer];
    for (const message of sent) client.socket.send(message);
    const back = await received(client.messages, sent.length);
    assert.equal(back[0], "one");
    assert.deepEqual(new Uint8Array(back[1] as ArrayBuffer), new Uint8Array([1, 2, 3]));
    assert.equal(back[2], "three");
    assert.equal((back[3] as ArrayBuffer).byteLength, 0);
    client.socket.close(1000, "done");
    assert.equal((await within(client.closed, "close")).code, 1000);
    assert.deepEqual(await upstream.closed(1), [{ code: 1000, reason: "done" }]);
    const [record] = await gateway.recorded(1);
    assert.equal(record.protocol, "websocket");
    assert.equal(record.status, 101);
    assert.equal(record.endpoint, "realtime");
    assert.equal(record.channel, "rt");
    assert.equal(record.model, "gpt-realtime");
    assert.equal(record.key, "root");
    assert.deepEqual(
      { ...record.websocket, durationMs: 0 },
      {
        framesUp: 4,
        framesDown: 4,
        bytesUp: 11,
        bytesDown: 11,
        closeCode: 1000,
        closedBy: "client",
        durationMs: 0,
      },
    );
  });
});

Deno.test("ws: messages up to the limit pass whole; one over it closes with 1009", async () => {
  const limit = 256 * 1024;
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    const big = new Uint8Array(limit).map((_, i) => i % 251);
    client.socket.send(big);
    client.socket.send("x".repeat(limit));
    const [binary, text] = await received(client.messages, 2);
    assert.deepEqual(new Uint8Array(binary as ArrayBuffer), big);
    assert.equal(text, "x".repeat(limit));
    client.socket.send(new Uint8Array(limit + 1));
    const closed = await within(client.closed, "close");
    assert.equal(closed.code, 1009);
    assert.match(closed.reason, /Message of 262145 bytes exceeds the limit of 262144 bytes/);
    const [upstreamClose] = await upstream.closed(1);
    assert.equal(upstreamClose.code, 1000);
    const [record] = await gateway.recorded(1);
    assert.equal(record.websocket?.closeCode, 1009);
    assert.equal(record.websocket?.closedBy, "gateway");
    assert.equal(record.websocket?.framesUp, 2, "the oversized message was not relayed");
  }, { websocket: `max_message_bytes: ${limit}` });
});

Deno.test("ws: an upstream message over the limit closes the client with 1009 too", async () => {
  await withRig(async ({ upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    client.socket.send("a".repeat(2001));
    const closed = await within(client.closed, "close");
    assert.equal(closed.code, 1009);
    assert.match(closed.reason, /^Upstream message of 4002 bytes exceeds the limit of 4000 bytes/);
    assert.equal(client.messages.length, 0);
    await upstream.closed(1);
  }, {
    websocket: "max_message_bytes: 4000",
    upstream: { session: (s) => s.onmessage = (e) => s.send(e.data + e.data) },
  });
});

Deno.test("ws: the upstream's close code and reason reach the client", async () => {
  const cases: [string, number, string][] = [
    ["4001", 4001, "bye now"], // an application code, as is
    ["1011", 1011, "upstream failed"], // a registered one, as is
    ["none", 1000, ""], // no status (1005 may not be sent): a normal close
  ];
  for (const [say, code, reason] of cases) {
    await withRig(async ({ gateway, upstream, ws }) => {
      const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
      client.socket.send(say);
      const closed = await within(client.closed, "close");
      assert.deepEqual([closed.code, closed.reason], [code, reason], say);
      await upstream.closed(1);
      const [record] = await gateway.recorded(1);
      assert.equal(record.websocket?.closedBy, "upstream");
      assert.equal(record.websocket?.closeCode, code);
    }, {
      upstream: {
        session: (socket) =>
          socket.onmessage = (event) => {
            if (event.data === "none") socket.close();
            else {socket.close(
                Number(event.data),
                event.data === "4001" ? "bye now" : "upstream failed",
              );}
          },
      },
    });
  }
});

Deno.test("ws: an upstream that drops the connection closes the client with 1011", async () => {
  const dropping = droppingUpstream("hello");
  const gateway = await startGateway(`
channels:
  - { name: rt, plugin: openai, base_url: "${
    dropping.url.replace("ws:", "http:")
  }/v1", keys: [${REAL}], models: [gpt-realtime] }
keys: [{ name: root, key: ${ROOT} }]
`);
  try {
    const client = opened(
      await connect(
        `${gateway.url.replace("http:", "ws:")}/v1/realtime?model=gpt-realtime`,
        bearer(ROOT),
      ),
    );
    const closed = await within(client.closed, "close");
    assert.equal(closed.code, 1011);
    assert.equal(closed.reason, "Upstream connection lost");
    assert.deepEqual(client.messages, ["hello"]);
    const [record] = await gateway.recorded(1);
    assert.equal(record.websocket?.closeCode, 1011);
    assert.equal(record.error, "Upstream connection lost");
  } finally {
    await gateway.close();
    await dropping.close();
  }
});

Deno.test("ws: the client's close code and reason reach the upstream", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    client.socket.close(4321, "client says bye");
    await within(client.closed, "close");
    assert.deepEqual(await upstream.closed(1), [{ code: 4321, reason: "client says bye" }]);
    const [record] = await gateway.recorded(1);
    assert.equal(record.websocket?.closedBy, "client");
    assert.equal(record.websocket?.closeCode, 4321);
  });
});

Deno.test("ws: a refused upstream handshake is an HTTP error naming why, never the key", async () => {
  for (const [upstreamStatus, clientStatus] of [[503, 502], [401, 502], [404, 404]]) {
    await withRig(async ({ gateway, upstream }) => {
      const res = await rawHandshake(
        gateway.url,
        "/v1/realtime?model=gpt-realtime",
        { authorization: `Bearer ${ROOT}` },
      );
      assert.equal(res.status, clientStatus);
      const error = JSON.parse(res.body).error;
      assert.match(error.message, new RegExp(`"rt": the upstream answered ${upstreamStatus}`));
      assert.doesNotMatch(res.body + res.headers, /SECRET|sk-gw/);
      assert.equal(upstream.handshakes.length, 1);
      const [record] = await gateway.recorded(1);
      assert.equal(record.protocol, "websocket");
      assert.equal(record.status, clientStatus);
    }, { upstream: { refuse: upstreamStatus } });
  }
});

Deno.test("ws: a wrong, missing or expired key is refused before any upgrade", async () => {
  await withRig(async ({ gateway, upstream }) => {
    const target = "/v1/realtime?model=gpt-realtime";
    const wrong = await rawHandshake(gateway.url, target, {
      authorization: "Bearer sk-nope-123456",
    });
    assert.equal(wrong.status, 401);
    assert.equal(JSON.parse(wrong.body).error.code, "invalid_api_key");
    const missing = await rawHandshake(gateway.url, target);
    assert.equal(missing.status, 401);
    assert.match(JSON.parse(missing.body).error.message, /openai-insecure-api-key/);
    const expired = await rawHandshake(gateway.url, target, { authorization: `Bearer ${OLD}` });
    assert.equal(expired.status, 403);
    assert.equal(upstream.handshakes.length, 0, "nothing was opened upstream");
    const records = await gateway.recorded(3);
    assert.deepEqual(records.map((r) => [r.protocol, r.status]), [
      ["websocket", 401],
      ["websocket", 401],
      ["websocket", 403],
    ]);
  });
});

Deno.test("ws: subprotocol auth: the key entry is stripped, the upstream gets its own key", async () => {
  await withRig(async ({ upstream, ws }) => {
    const client = opened(
      await connect(ws("/v1/realtime?model=gpt-realtime"), {
        protocols: ["realtime", `openai-insecure-api-key.${ROOT}`, "openai-beta.realtime-v1"],
        headers: { "x-trace": "t-1", "x-smuggled": `key=${ROOT}` },
      }),
    );
    assert.equal(client.socket.protocol, "realtime");
    const [handshake] = upstream.handshakes;
    assert.deepEqual(handshake.protocols, ["realtime", "openai-beta.realtime-v1"]);
    assert.equal(handshake.headers.get("authorization"), `Bearer ${REAL}`);
    assert.equal(handshake.target, "/v1/realtime?model=gpt-realtime");
    assert.equal(handshake.headers.get("x-trace"), "t-1", "other client headers go along");
    for (const [name, value] of handshake.headers) {
      assert.ok(!value.includes(ROOT), `the gateway key reached the upstream in ${name}`);
    }
    client.socket.close();
    await within(client.closed, "close");
    await upstream.closed(1);
  });
});

Deno.test("ws: ?key= auth is never forwarded upstream", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(
      await connect(ws(`/v1/realtime?model=voice&key=${ROOT}&intent=conversation`)),
    );
    const [handshake] = upstream.handshakes;
    assert.equal(handshake.target, "/v1/realtime?model=gpt-realtime&intent=conversation");
    assert.equal(handshake.headers.get("authorization"), `Bearer ${REAL}`);
    client.socket.close();
    await within(client.closed, "close");
    await upstream.closed(1);
    const [record] = await gateway.recorded(1);
    assert.equal(record.key, "root");
    assert.equal(record.model, "gpt-realtime", "the alias was followed");
    assert.ok(!JSON.stringify(record).includes(ROOT));
  });
});

Deno.test("ws: a key's model allow-list holds on /v1/realtime and /proxy alike", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const auth = { authorization: `Bearer ${ALICE}` };
    for (
      const target of ["/v1/realtime?model=gpt-realtime", "/proxy/rt/realtime?model=gpt-realtime"]
    ) {
      const res = await rawHandshake(gateway.url, target, auth);
      assert.equal(res.status, 403, target);
      assert.equal(JSON.parse(res.body).error.code, "model_not_allowed");
    }
    const unnamed = await rawHandshake(gateway.url, "/proxy/rt/realtime", auth);
    assert.equal(unnamed.status, 403);
    assert.match(JSON.parse(unnamed.body).error.message, /names none/);
    assert.equal(upstream.handshakes.length, 0);
    const allowed = opened(
      await connect(ws("/v1/realtime?model=gpt-realtime-mini"), bearer(ALICE)),
    );
    allowed.socket.close();
    await within(allowed.closed, "close");
    await upstream.closed(1);
    assert.equal((await gateway.recorded(4))[3].status, 101);
  });
});

Deno.test("ws: upgrades on /proxy/{channel}/… go to that channel's WebSocket at that path", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/proxy/rt/realtime?model=gpt-realtime"), bearer(ROOT)));
    client.socket.send("ping?");
    assert.deepEqual(await received(client.messages, 1), ["ping?"]);
    assert.equal(upstream.handshakes[0].target, "/v1/realtime?model=gpt-realtime");
    client.socket.close();
    await within(client.closed, "close");
    await upstream.closed(1);
    const [record] = await gateway.recorded(1);
    assert.equal(record.endpoint, "proxy");
    assert.equal(record.model, "gpt-realtime");
    const anthropic = await rawHandshake(gateway.url, "/proxy/anth/v1/x", {
      authorization: `Bearer ${ROOT}`,
    });
    assert.equal(anthropic.status, 400);
    assert.match(JSON.parse(anthropic.body).error.message, /declares no openWebSocket hook/);
  }, {
    channels:
      `  - { name: anth, plugin: anthropic, base_url: "http://127.0.0.1:9/v1", keys: [k], models: [c] }`,
  });
});

Deno.test("ws: a plain GET on /v1/realtime asks for an upgrade (426)", async () => {
  await withRig(async ({ gateway }) => {
    const res = await fetch(`${gateway.url}/v1/realtime?model=gpt-realtime`, bearer(ROOT));
    assert.equal(res.status, 426);
    assert.equal(res.headers.get("upgrade"), "websocket");
    assert.equal((await res.json()).error.code, "upgrade_required");
  });
});

Deno.test("ws: a client that stops reading is closed at the buffer limit; the gateway stays responsive", async () => {
  const chunk = new Uint8Array(64 * 1024);
  await withRig(async ({ gateway, upstream }) => {
    const stalled = await stalledClient(gateway.url, "/v1/realtime?model=gpt-realtime", ROOT);
    try {
      assert.match(stalled.status, / 101 /);
      const [closed] = await upstream.closed(1, 10_000);
      assert.equal(closed.code, 1000);
      assert.match(closed.reason, /^Client too slow: more than 1048576 bytes waiting/);
      const [record] = await gateway.recorded(1);
      assert.equal(record.websocket?.closeCode, 1008);
      assert.equal(record.websocket?.closedBy, "gateway");
      // Bounded: what the kernel's socket buffers took, plus the limit, plus one message.
      assert.ok(record.websocket!.bytesDown < 16 * 1024 * 1024, `${record.websocket!.bytesDown}`);
      const started = performance.now();
      const health = await fetch(`${gateway.url}/health`);
      await health.body?.cancel();
      assert.equal(health.status, 200);
      assert.ok(performance.now() - started < 1000, "the gateway answered at once");
    } finally {
      stalled.conn.close();
    }
  }, {
    websocket: "max_buffered_bytes: 1MiB",
    upstream: {
      session(socket) {
        const flood = setInterval(() => {
          if (socket.readyState !== WebSocket.OPEN) return clearInterval(flood);
          for (let i = 0; i < 16; i++) socket.send(chunk);
        }, 2);
        socket.addEventListener("close", () => clearInterval(flood));
      },
    },
  });
});

Deno.test("ws: idle sessions close with 1001, long ones with 1008", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    const closed = await within(client.closed, "close", 3_000);
    assert.deepEqual([closed.code, closed.reason], [1001, "Session idle for 0.2s"]);
    await upstream.closed(1);
    assert.equal((await gateway.recorded(1))[0].websocket?.closedBy, "gateway");
  }, { websocket: "idle_timeout: 200ms" });
  await withRig(async ({ upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    const chatter = setInterval(() => client.socket.send("."), 20);
    try {
      const closed = await within(client.closed, "close", 3_000);
      assert.deepEqual([closed.code, closed.reason], [
        1008,
        "Session reached the maximum duration of 0.3s",
      ]);
    } finally {
      clearInterval(chatter);
    }
    await upstream.closed(1);
  }, { websocket: "max_duration: 300ms" });
});

Deno.test("ws: pings keep a quiet client's session open, and drop one that never answers", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    await new Promise((resolve) => setTimeout(resolve, 600)); // 3 ping rounds, no messages
    client.socket.send("still here");
    assert.deepEqual(await received(client.messages, 1), ["still here"]);
    client.socket.close();
    await within(client.closed, "close");
    const stalled = await stalledClient(gateway.url, "/v1/realtime?model=gpt-realtime", ROOT);
    try {
      const [, dropped] = await upstream.closed(2);
      assert.equal(dropped.code, 1000);
      const [, record] = await gateway.recorded(2);
      assert.equal(record.websocket?.closeCode, 1001);
      assert.equal(record.websocket?.closedBy, "gateway");
      assert.equal(record.error, "Client did not answer a ping");
      assert.ok(record.websocket!.durationMs < 1_000, `${record.websocket!.durationMs}`);
    } finally {
      stalled.conn.close();
    }
  }, { websocket: "ping_interval: 100ms" });
});

Deno.test("ws: usage from every response.done is added up in the record", async () => {
  const done = (input: number, output: number, cached: number) =>
    JSON.stringify({
      type: "response.done",
      event_id: "evt_1",
      response: {
        id: "resp_1",
        status: "completed",
        usage: {
          total_tokens: input + output,
          input_tokens: input,
          output_tokens: output,
          input_token_details: { cached_tokens: cached, text_tokens: input, audio_tokens: 0 },
        },
      },
    });
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    client.socket.send("go");
    await received(client.messages, 4);
    client.socket.close();
    await within(client.closed, "close");
    await upstream.closed(1);
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 130, completion: 25, cached: 64 });
  }, {
    upstream: {
      session: (socket) =>
        socket.onmessage = () => {
          socket.send(done(100, 20, 64));
          // A delta that merely mentions the event type is not usage.
          socket.send(JSON.stringify({ type: "response.text.delta", delta: '"response.done"' }));
          socket.send(new TextEncoder().encode(done(999, 999, 0)));
          socket.send(done(30, 5, 0));
        },
    },
  });
});

Deno.test("ws: failover at connect time: a refusing channel is skipped for the next", async () => {
  const refusing = startWsUpstream({ refuse: 503 });
  try {
    await withRig(async ({ gateway, upstream, ws }) => {
      const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
      client.socket.close();
      await within(client.closed, "close");
      await upstream.closed(1);
      assert.equal(refusing.handshakes.length, 1);
      const [record] = await gateway.recorded(1);
      assert.equal(record.channel, "rt");
      assert.equal(record.attempts, 2);
    }, {
      channels: `  - { name: first, plugin: openai, base_url: "${
        refusing.url.replace("ws:", "http:")
      }/v1", keys: [k1], models: [gpt-realtime], priority: 0 }`,
    });
  } finally {
    await refusing.close();
  }
});

Deno.test("ws: what an upstream writes is scrubbed of keys, in messages and close reasons", async () => {
  await withRig(async ({ upstream, ws }) => {
    const client = opened(await connect(ws("/v1/realtime?model=gpt-realtime"), bearer(ROOT)));
    client.socket.send("go");
    const closed = await within(client.closed, "close");
    assert.equal(closed.code, 4003);
    assert.equal(closed.reason, "bad key [redacted]");
    assert.deepEqual(client.messages, ['{"error":"key [redacted] and [redacted]"}']);
    await upstream.closed(1);
  }, {
    upstream: {
      session: (socket, handshake) =>
        socket.onmessage = () => {
          const key = handshake.headers.get("authorization")!.slice(7);
          socket.send(JSON.stringify({ error: `key ${key} and ${ROOT}` }));
          socket.close(4003, `bad key ${key}`);
        },
    },
  });
});

Deno.test("ws: Azure channels open Azure's realtime URL with the api-key header", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    for (const model of ["gpt-realtime-ga", "gpt-realtime-preview"]) {
      const client = opened(await connect(ws(`/v1/realtime?model=${model}`), bearer(ROOT)));
      client.socket.close();
      await within(client.closed, "close");
    }
    // An Azure SDK pointed at the gateway: its URL shape, its key in ?api-key=.
    const sdk = opened(
      await connect(ws(
        `/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-realtime-ga&api-key=${ROOT}`,
      )),
    );
    sdk.socket.close();
    await within(sdk.closed, "close");
    await upstream.closed(3);
    assert.deepEqual(upstream.handshakes.map((h) => h.target), [
      "/openai/v1/realtime?model=dep-ga",
      "/openai/realtime?api-version=2025-04-01-preview&deployment=dep-preview",
      "/openai/v1/realtime?model=dep-ga",
    ]);
    for (const handshake of upstream.handshakes) {
      assert.equal(handshake.headers.get("api-key"), "az-real-key");
      assert.equal(handshake.headers.get("authorization"), null);
    }
    assert.deepEqual((await gateway.recorded(3)).map((r) => r.channel), [
      "az-ga",
      "az-pv",
      "az-ga",
    ]);
  }, {
    channels: `
  - name: az-ga
    plugin: azure
    base_url: BASE
    keys: [az-real-key]
    models: [gpt-realtime-ga]
    options: { api: v1, deployments: { gpt-realtime-ga: dep-ga } }
  - name: az-pv
    plugin: azure
    base_url: BASE
    keys: [az-real-key]
    models: [gpt-realtime-preview]
    options: { deployments: { gpt-realtime-preview: dep-preview } }`,
  });
});

Deno.test("ws: DashScope's realtime and inference sockets live at the host's root", async () => {
  await withRig(async ({ gateway, upstream, ws }) => {
    const realtime = opened(
      await connect(ws("/v1/realtime?model=qwen-omni-turbo-realtime"), bearer(ROOT)),
    );
    realtime.socket.close();
    await within(realtime.closed, "close");
    // A key bound to the one channel may use DashScope's own path on the gateway.
    const inference = opened(await connect(ws("/api-ws/v1/inference"), bearer(DS_KEY)));
    inference.socket.close();
    await within(inference.closed, "close");
    await upstream.closed(2);
    assert.deepEqual(upstream.handshakes.map((h) => h.target), [
      "/api-ws/v1/realtime?model=qwen-omni-turbo-realtime",
      "/api-ws/v1/inference",
    ]);
    for (const handshake of upstream.handshakes) {
      assert.equal(handshake.headers.get("authorization"), "Bearer ds-real-key");
    }
    assert.deepEqual((await gateway.recorded(2)).map((r) => r.endpoint), ["realtime", "proxy"]);
  }, {
    channels:
      `  - { name: ds, plugin: dashscope, base_url: BASE/compatible-mode/v1, keys: [ds-real-key], models: [qwen-omni-turbo-realtime] }`,
    keys: `  - { name: ds-only, key: ${DS_KEY}, channels: [ds], models: [paraformer-realtime-v2] }`,
  });
});

Deno.test("ws: a model named inside the session (DashScope run-task) is held to the key's list", async () => {
  const runTask = (model: string) =>
    JSON.stringify({
      header: { action: "run-task", task_id: "t1", streaming: "duplex" },
      payload: { task_group: "audio", task: "asr", function: "recognition", model, input: {} },
    });
  await withRig(async ({ gateway, upstream, ws }) => {
    const client = opened(await connect(ws("/proxy/ds/api-ws/v1/inference"), bearer(DS_KEY)));
    client.socket.send(runTask("paraformer-realtime-v2"));
    await received(client.messages, 1);
    client.socket.send(runTask("cosyvoice-v2"));
    const closed = await within(client.closed, "close");
    assert.deepEqual([closed.code, closed.reason], [
      1008,
      'Key "ds-only" may not use model "cosyvoice-v2"',
    ]);
    await upstream.closed(1);
    const [record] = await gateway.recorded(1);
    assert.equal(record.model, "paraformer-realtime-v2");
    assert.equal(record.websocket?.framesUp, 1, "the refused run-task never left the gateway");
  }, {
    channels:
      `  - { name: ds, plugin: dashscope, base_url: BASE/compatible-mode/v1, keys: [ds-real-key], models: "*" }`,
    keys: `  - { name: ds-only, key: ${DS_KEY}, channels: [ds], models: [paraformer-realtime-v2] }`,
  });
});

Deno.test("ws: a key's quota holds at connect time, and sessions count apart in /stats", async () => {
  const METERED = "sk-gw-ws-metered-0005";
  await withRig(async ({ gateway, upstream, ws }) => {
    const target = "/v1/realtime?model=gpt-realtime";
    const first = opened(await connect(ws(target), bearer(METERED)));
    first.socket.send("hello");
    await received(first.messages, 1);
    // The session holds the key's one request: a second upgrade is refused before any upstream
    // handshake, with the HTTP API's status and Retry-After.
    const second = await rawHandshake(gateway.url, target, { authorization: `Bearer ${METERED}` });
    assert.equal(second.status, 429);
    assert.equal(JSON.parse(second.body).error.code, "quota_exceeded");
    assert.match(second.headers, /retry-after: \d+/i);
    assert.equal(upstream.handshakes.length, 1);
    first.socket.close(1000);
    await within(first.closed, "close");
    await upstream.closed(1);
    await gateway.recorded(2);
    await gateway.ledger.flush();
    const stats = await (await fetch(`${gateway.url}/stats?window=1h`)).json();
    // Both were WebSocket requests (one session, one refused upgrade), none of them HTTP.
    assert.equal(stats.totals.websocket, 2);
    assert.equal(stats.totals.http, 0);
    assert.equal(stats.totals.success, 1);
    assert.equal(stats.totals.failure, 1);
  }, {
    keys: `  - { name: metered, key: ${METERED}, limits: { requests: 1 } }`,
    upstream: { session: (socket) => socket.onmessage = (e) => socket.send(e.data) },
  });
});
