/**
 * The security invariants of SPEC §3a, each attacked the way a hostile client or upstream would:
 * raw request targets that try to leave the channel, upstreams that redirect or echo the keys they
 * received, model names that are really paths or prototype keys, and allow-lists probed through
 * every route. Capture servers record what reached them, so "nothing leaked" is asserted, not
 * assumed.
 */
import assert from "node:assert/strict";
import { definePlugin } from "../src/plugin/contract.ts";
import type { AnyPlugin } from "../src/plugin/validate.ts";
import { chatCompletion, startGateway, startUpstream, type Upstream } from "./_harness.ts";
import { captureServer, echoingUpstream, rawRequest, redirectingUpstream } from "./_hostile.ts";

const ROOT = "sk-gw-root-SECRET-0001";
const ALICE = "sk-gw-alice-SECRET-0002";
const SOLO = "sk-gw-solo-SECRET-0003";
const AZ_KEY = "sk-az-SECRET-1111";
const OA_KEY = "sk-oa-SECRET-2222";
const GM_KEY = "gm-SECRET-3333";

const keysYaml = `
keys:
  - { name: root, key: ${ROOT} }
  - { name: alice, key: ${ALICE}, models: [gpt-4o] }
  - { name: solo, key: ${SOLO}, channels: [c-openai], models: [gpt-4o] }
`;

/** Three channels on one capture server, plus a victim server nothing may ever reach. */
async function withChannels(
  run: (t: { url: string; capture: Upstream; victim: Upstream }) => Promise<void>,
  extraYaml = "",
) {
  const capture = startUpstream((request) => {
    const path = new URL(request.url).pathname;
    if (path.endsWith("/models")) return Response.json({ object: "list", data: [] });
    return Response.json(chatCompletion("captured", "gpt-4o"));
  });
  const victim = captureServer();
  const gateway = await startGateway(`
admin: { key: sk-admin }
defaults: { timeout: 2s, retry: 0, max_request_bytes: 1MiB }
channels:
  - { name: az, plugin: azure, base_url: "${capture.url}", keys: [${AZ_KEY}], models: [gpt-4o] }
  - { name: c-openai, plugin: openai, base_url: "${capture.url}/v1", keys: [${OA_KEY}], models: [gpt-4o, gpt-4o-mini] }
  - { name: gem, plugin: gemini, base_url: "${capture.url}/v1beta", keys: [${GM_KEY}], models: [gemini-2.5-pro] }
${extraYaml}
${keysYaml}`);
  try {
    await run({ url: gateway.url, capture, victim });
  } finally {
    await gateway.close();
    await capture.close();
    await victim.close();
  }
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

Deno.test("security: /proxy never leaves the channel, whatever the raw path", async () => {
  await withChannels(async ({ url, capture, victim }) => {
    const victimHost = new URL(victim.url).host;
    const attacks = [
      `/proxy/az/../AAAAA@${victimHost}/steal`,
      `/proxy/az/%2e%2e/AAAAA@${victimHost}/steal`,
      `/proxy/az/.%2E/.%2e/steal`,
      `/proxy/az/%2E%2E/steal`,
      `/proxy/az/openai%2F..%2F..%2Fsteal`,
      `/proxy/az/openai%5C..%5Csteal`,
      `/proxy/az/openai\\..\\steal`,
      `/proxy/c-openai/./../az/steal`,
    ];
    for (const target of attacks) {
      const res = await rawRequest(url, "POST", target, bearer(ROOT), "{}");
      assert.equal(res.status, 400, `${target} → ${res.status} ${res.body}`);
      assert.match(JSON.parse(res.body).error.message, /path/i);
    }
    assert.equal(victim.received.length, 0, "the victim host was reached");
    assert.equal(capture.received.length, 0, "a traversal reached the channel's host");
  });
});

Deno.test("security: /proxy decodes the channel segment and keeps the rest of the path intact", async () => {
  await withChannels(async ({ url, capture }) => {
    const res = await rawRequest(url, "GET", "/proxy/c%2Dopenai/models?limit=2", bearer(ROOT));
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(capture.received.map((r) => r.path), ["/v1/models?limit=2"]);
    // A native SDK's full path is joined at the origin, not doubled.
    const full = await rawRequest(url, "GET", "/proxy/c-openai/v1/models", bearer(ROOT));
    assert.equal(full.status, 200);
    assert.equal(capture.received.at(-1)?.path, "/v1/models");
    assert.equal(capture.received.at(-1)?.headers.get("authorization"), `Bearer ${OA_KEY}`);
  });
});

Deno.test("security: a client's credentials in the query never travel through /proxy", async () => {
  await withChannels(async ({ url, capture }) => {
    const query = `?alt=sse&key=${ROOT}&note=x${ROOT}y&api_key=other&pageSize=5`;
    const res = await rawRequest(url, "GET", `/proxy/gem/v1beta/models${query}`, bearer(ROOT));
    assert.equal(res.status, 200, res.body);
    const sent = capture.received.at(-1)!;
    assert.equal(sent.path, "/v1beta/models?alt=sse&pageSize=5");
    assert.equal(sent.headers.get("x-goog-api-key"), GM_KEY);
    for (const [, value] of sent.headers) assert.ok(!value.includes(ROOT));
  });
});

Deno.test("security: /proxy lets @google/genai pick its API version, under the channel only", async () => {
  await withChannels(async ({ url, capture, victim }) => {
    const res = await rawRequest(url, "GET", "/proxy/gem/v1/models/gemini-2.5-pro", bearer(ROOT));
    assert.equal(res.status, 200, res.body);
    assert.equal(capture.received.at(-1)?.path, "/v1/models/gemini-2.5-pro");
    const out = await rawRequest(url, "GET", "/proxy/gem/v1/%2e%2e/steal", bearer(ROOT));
    assert.equal(out.status, 400);
    assert.equal(victim.received.length, 0);
  });
});

Deno.test("security: a single-channel key's unknown paths cannot leave the channel either", async () => {
  await withChannels(async ({ url, capture, victim }) => {
    const victimHost = new URL(victim.url).host;
    for (const target of [`/../AAAA@${victimHost}/steal`, `/v1/%2e%2e/%2e%2e/steal`]) {
      const res = await rawRequest(url, "GET", target, bearer(SOLO));
      assert.equal(res.status, 400, `${target} → ${res.status}`);
    }
    assert.equal(victim.received.length, 0);
    assert.equal(capture.received.length, 0);
  });
});

Deno.test("security: upstream redirects are never followed, on any fetch", async () => {
  const victim = captureServer();
  const redirect = redirectingUpstream(() => `${victim.url}/steal`);
  const gateway = await startGateway(`
admin: { key: sk-admin }
defaults: { timeout: 2s, retry: 0 }
channels:
  - { name: r, plugin: openai, base_url: "${redirect.url}/v1", keys: [${OA_KEY}], models: [m] }
  - { name: ra, plugin: anthropic, base_url: "${redirect.url}/v1", keys: [${OA_KEY}], models: [c] }
  - { name: listed, plugin: openai, base_url: "${redirect.url}/v1", keys: [${OA_KEY}] }
`);
  try {
    // A routed call: a failed attempt, never a 200 completion.
    const chat = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(chat.status, 502);
    assert.match((await chat.json()).error.message, /redirect/i);
    const messages = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({
        model: "c",
        max_tokens: 5,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    assert.equal(messages.status, 502);
    await messages.body?.cancel();
    // /proxy: returned to the client as it came, unfollowed.
    const proxied = await fetch(`${gateway.url}/proxy/r/models`, { redirect: "manual" });
    assert.equal(proxied.status, 302);
    assert.equal(proxied.headers.get("location"), `${victim.url}/steal`);
    await proxied.body?.cancel();
    // Model discovery and the admin health probe.
    const models = await fetch(`${gateway.url}/v1/models`);
    assert.equal(models.status, 200);
    await models.body?.cancel();
    const probe = await fetch(`${gateway.url}/health?probe=1`, { headers: bearer("sk-admin") });
    assert.equal(probe.status, 200);
    const listed = (await probe.json()).channels.find((c: { name: string }) => c.name === "listed");
    assert.equal(listed.probe.ok, false);
    assert.equal(victim.received.length, 0, "a redirect was followed with the upstream key");
  } finally {
    await gateway.close();
    await redirect.close();
    await victim.close();
  }
});

Deno.test("security: a key's model allow-list holds on /proxy and the single-channel catch-all", async () => {
  await withChannels(async ({ url, capture }) => {
    const post = (path: string, key: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: bearer(key),
        body: JSON.stringify(body),
      });
    const expectStatus = async (res: Response, status: number, what: string) => {
      const text = await res.text();
      assert.equal(res.status, status, `${what}: ${text}`);
      if (status === 403) assert.equal(JSON.parse(text).error.code, "model_not_allowed");
    };
    const chat = (model: string) => ({ model, messages: [{ role: "user", content: "x" }] });
    // Body `model`.
    await expectStatus(
      await post("/proxy/c-openai/v1/chat/completions", ALICE, chat("gpt-4o-mini")),
      403,
      "body model",
    );
    await expectStatus(
      await post("/proxy/c-openai/v1/chat/completions", ALICE, chat("gpt-4o")),
      200,
      "allowed body model",
    );
    // Gemini's model in the path.
    await expectStatus(
      await post("/proxy/gem/v1beta/models/gemini-2.5-pro:generateContent", ALICE, {}),
      403,
      "gemini path model",
    );
    // Azure's deployment in the path.
    await expectStatus(
      await post("/proxy/az/openai/deployments/other/chat/completions", ALICE, chat("x")),
      403,
      "azure deployment",
    );
    await expectStatus(
      await post("/proxy/az/openai/deployments/gpt-4o/chat/completions", ALICE, {
        messages: [{ role: "user", content: "x" }],
      }),
      200,
      "allowed azure deployment",
    );
    // No model to read: a model-restricted key may only list models.
    await expectStatus(await post("/proxy/c-openai/v1/files", ALICE, {}), 403, "no model");
    const list = await fetch(`${url}/proxy/c-openai/v1/models`, { headers: bearer(ALICE) });
    assert.equal(list.status, 200);
    await list.body?.cancel();
    // The single-channel catch-all.
    await expectStatus(await post("/v1/audio/speech", SOLO, { model: "tts-1" }), 403, "catch-all");
    await expectStatus(await post("/v1/audio/speech", SOLO, { model: "gpt-4o" }), 200, "catch-all");
    // Only the allowed calls got through.
    assert.deepEqual(capture.received.map((r) => r.path), [
      "/v1/chat/completions",
      "/openai/deployments/gpt-4o/chat/completions",
      "/v1/models",
      "/v1/audio/speech",
    ]);
  });
});

Deno.test("security: keys an upstream echoes never reach the client, the 502 list or the log", async () => {
  const echo400 = echoingUpstream(400);
  const echo500 = echoingUpstream(500);
  const logs: string[] = [];
  const gateway = await startGateway(
    `
defaults: { timeout: 2s, retry: 0 }
channels:
  - { name: e400, plugin: openai, base_url: "${echo400.url}/v1", keys: [${OA_KEY}], models: [m4] }
  - { name: e500, plugin: openai, base_url: "${echo500.url}/v1", keys: [${AZ_KEY}], models: [m5] }
  - { name: e500b, plugin: anthropic, base_url: "${echo500.url}/v1", keys: [${GM_KEY}], models: [m5] }
keys:
  - { name: root, key: ${ROOT} }
`,
    { log: (line) => logs.push(line) },
  );
  const secrets = [OA_KEY, AZ_KEY, GM_KEY, ROOT];
  const assertClean = (text: string, where: string) => {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${where} leaks ${secret}`);
  };
  try {
    const ask = (model: string, headers: Record<string, string> = {}) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { ...bearer(ROOT), ...headers },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "x" }] }),
      });
    // A 4xx passed back to the client.
    const r400 = await ask("m4");
    assert.equal(r400.status, 400);
    assertClean(await r400.text(), "the 400 body");
    assertClean(JSON.stringify([...r400.headers]), "the 400 headers");
    // The 502 that lists every failed attempt.
    const r502 = await ask("m5");
    assert.equal(r502.status, 502);
    const body502 = await r502.text();
    assert.match(body502, /\[redacted\]/);
    assertClean(body502, "the 502 body");
    // /proxy, with the gateway key smuggled into a forwarded header the upstream echoes.
    const proxied = await fetch(`${gateway.url}/proxy/e400/v1/anything`, {
      method: "POST",
      headers: { ...bearer(ROOT), "x-echo-me": ROOT },
      body: "{}",
    });
    assert.equal(proxied.status, 400);
    assertClean(await proxied.text(), "the /proxy body");
    assertClean(JSON.stringify([...proxied.headers]), "the /proxy headers");
    // Gateway keys never reach an upstream as credentials.
    for (const r of [...echo400.received, ...echo500.received]) {
      assert.ok(!(r.headers.get("authorization") ?? "").includes(ROOT));
    }
    // Nor do any of them reach what is logged or recorded.
    await gateway.recorded(3);
    assertClean(JSON.stringify(gateway.records), "the request records");
    assertClean(logs.join("\n"), "the log");
  } finally {
    await gateway.close();
    await echo400.close();
    await echo500.close();
  }
});

Deno.test("security: model names are data, never paths or prototype keys", async () => {
  await withChannels(async ({ url, capture }) => {
    const ask = (model: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: bearer(ROOT),
        body: JSON.stringify({ model, messages: [{ role: "user", content: "x" }] }),
      });
    for (
      const model of [
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        "valueOf",
        "gem/../../../az/openai/deployments/gpt-4o/chat/completions",
        "c-openai/not-served",
        "c-openai/constructor",
      ]
    ) {
      const res = await ask(model);
      const body = await res.json();
      assert.equal(res.status, 404, `${model} → ${res.status} ${JSON.stringify(body)}`);
      assert.equal(body.error.code, "model_not_found");
    }
    assert.equal(capture.received.length, 0, "a bogus model reached an upstream");
  });
});

Deno.test("security: a model name on a wildcard channel is encoded into the upstream URL", async () => {
  const capture = startUpstream(() =>
    Response.json({
      candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP" }],
    })
  );
  const gateway = await startGateway(`
channels:
  - { name: gem, plugin: gemini, base_url: "${capture.url}/v1beta", keys: [k], models: "*" }
`);
  try {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "gem/../../../steal?x=",
        messages: [{ role: "user", content: "x" }],
      }),
    });
    await res.body?.cancel();
    assert.equal(capture.received.length, 1);
    assert.match(capture.received[0].path, /^\/v1beta\/models\/[^/?]+:generateContent$/);
  } finally {
    await gateway.close();
    await capture.close();
  }
});

Deno.test("security: an exception in a plugin hook is a 500 with the request id, never a breaker hit", async () => {
  const upstream = startUpstream(() => Response.json(chatCompletion("fine")));
  const buggy = definePlugin({
    name: "buggy",
    rewriteRequest(request) {
      const body = request.body as { messages: { content: string }[] };
      // A plugin bug that client input triggers: content is not always a string.
      if (body.messages[0].content.toUpperCase() === "BOOM") return;
    },
  });
  const logs: string[] = [];
  const gateway = await startGateway(
    `
routing: { breaker: { failures: 1, cooldown: 60s } }
channels:
  - { name: b, plugin: buggy, base_url: "${upstream.url}", keys: [k], models: [m] }
`,
    { plugins: { buggy: buggy as AnyPlugin }, log: (line) => logs.push(line) },
  );
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "x-request-id": `bug-${i}` },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: [] }] }),
      });
      const body = await res.json();
      assert.equal(res.status, 500);
      assert.match(body.error.message, new RegExp(`bug-${i}`));
    }
    assert.equal(gateway.holder.current.health.snapshot("b").state, "closed");
    assert.equal(gateway.holder.current.health.snapshot("b").failures, 0);
    assert.ok(logs.some((l) => l.includes("TypeError") && l.includes("bug-0")), logs.join("\n"));
    const fine = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(fine.status, 200);
    await fine.body?.cancel();
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

Deno.test("security: 'did you mean' suggests only models the key may use", async () => {
  await withChannels(async ({ url }) => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: bearer(ALICE),
      body: JSON.stringify({ model: "gpt-4o-minj", messages: [{ role: "user", content: "x" }] }),
    });
    const body = await res.json();
    assert.equal(res.status, 404);
    assert.ok(!body.error.message.includes('"gpt-4o-mini"'), body.error.message);
    assert.match(body.error.message, /"gpt-4o"/);
  });
});

Deno.test("security: /proxy caps streamed uploads and strips hop-by-hop headers both ways", async () => {
  const capture = startUpstream(() =>
    new Response("{}", {
      headers: {
        "content-type": "application/json",
        connection: "x-up-hop",
        "x-up-hop": "1",
        "keep-alive": "timeout=5",
        "proxy-authenticate": "Basic",
        "x-kept": "yes",
      },
    })
  );
  const gateway = await startGateway(`
defaults: { max_request_bytes: 1MiB }
channels:
  - { name: c, plugin: openai, base_url: "${capture.url}/v1", keys: [k], models: [m] }
`);
  try {
    // 20 MB chunked, no Content-Length.
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20 * 1024 * 1024) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const big = await fetch(`${gateway.url}/proxy/c/v1/files`, {
      method: "POST",
      body,
      // @ts-ignore: `duplex` is needed for a streamed request body.
      duplex: "half",
    });
    assert.equal(big.status, 413);
    await big.body?.cancel();
    assert.ok(sent < 20 * 1024 * 1024, "the whole upload was read");

    const res = await rawRequest(gateway.url, "POST", "/proxy/c/v1/things", {
      "content-type": "application/json",
      "x-secret-hop": "1",
      "x-kept-request": "yes",
      te: "trailers",
      trailer: "x-t",
      "proxy-authorization": "Basic eA==",
      "keep-alive": "timeout=5",
      "connection": "x-secret-hop",
    }, "{}");
    assert.equal(res.status, 200);
    const received = capture.received.at(-1)!.headers;
    for (const name of ["x-secret-hop", "te", "trailer", "proxy-authorization", "keep-alive"]) {
      assert.equal(received.get(name), null, `${name} reached the upstream`);
    }
    assert.equal(received.get("x-kept-request"), "yes");
    for (const name of ["x-up-hop", "keep-alive", "proxy-authenticate"]) {
      assert.equal(res.headers.get(name), null, `${name} reached the client`);
    }
    assert.equal(res.headers.get("x-kept"), "yes");
  } finally {
    await gateway.close();
    await capture.close();
  }
});
