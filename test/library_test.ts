/**
 * `createGateway` from `mod.ts` as an embedder uses it: inside a Hono app of their own (through
 * `app.request()` and through a real server on an ephemeral port), built from a config object or
 * YAML text, with `close()` writing usage to KV and leaving no timer behind (Deno's test
 * sanitizers fail a test that leaks one).
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createGateway } from "../mod.ts";
import { plugins } from "../plugins/mod.ts";

const chatBody = (content: string) =>
  JSON.stringify({ model: "echo", messages: [{ role: "user", content }] });

Deno.test("createGateway() mounted in a Hono app serves a chat completion beside the app's own routes", async () => {
  const kv = await Deno.openKv(":memory:");
  const gateway = await createGateway({
    config: {
      log: { requests: false, level: "warn" },
      keys: [{ name: "me", key: "sk-me" }],
      channels: [{ name: "echo", plugin: "echo", models: ["echo"] }],
    },
    kv,
  });
  try {
    const app = new Hono();
    app.get("/", (c) => c.text("the host app"));
    app.mount("/llm", gateway);

    assert.equal(await (await app.request("/")).text(), "the host app");
    const answer = await app.request("/llm/v1/chat/completions", {
      method: "POST",
      headers: { authorization: "Bearer sk-me" },
      body: chatBody("hello"),
    });
    assert.equal(answer.status, 200);
    assert.equal((await answer.json()).choices[0].message.content, "echo: hello");
    const refused = await app.request("/llm/v1/chat/completions", {
      method: "POST",
      headers: { authorization: "Bearer sk-wrong" },
      body: chatBody("hello"),
    });
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
  } finally {
    await gateway.close();
    kv.close();
  }
});

Deno.test("createGateway() serves through a real server, reads ${VAR} from env, and close() flushes usage to KV", async () => {
  const kv = await Deno.openKv(":memory:");
  const yaml = `
admin: { key: sk-admin }
log: { requests: false, level: warn }
keys: [{ name: alice, key: "\${ALICE_KEY}" }]
channels: [{ name: echo, plugin: echo, models: [echo] }]
`;
  const env = (name: string) => ({ ALICE_KEY: "sk-alice" } as Record<string, string>)[name];
  const gateway = await createGateway({ config: yaml, plugins, kv, env });
  const app = new Hono().mount("/", gateway);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    for (const stream of [false, true]) {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer sk-alice" },
        body: JSON.stringify({ model: "echo", stream, messages: [{ role: "user", content: "x" }] }),
      });
      assert.equal(res.status, 200);
      assert.match(await res.text(), stream ? /"content":"echo:"[^]*"content":" x"/ : /echo: x/);
    }
  } finally {
    await server.shutdown();
    await gateway.close();
  }
  // A second gateway on the same KV reads what the first one wrote at close().
  const reader = await createGateway({ config: yaml, plugins, kv, env });
  try {
    const stats = await reader(
      new Request("http://gw/admin/stats?window=1h", {
        headers: { authorization: "Bearer sk-admin" },
      }),
    );
    assert.equal(stats.status, 200);
    const alice = (await stats.json()).keys.find((k: { name: string }) => k.name === "alice");
    assert.equal(alice?.requests, 2);
    assert.equal(alice?.success, 2);
  } finally {
    await reader.close();
    kv.close();
  }
});

Deno.test("createGateway() throws on an invalid config, naming the field", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await assert.rejects(
      createGateway({ config: "channels: [{ name: x, plugin: echo, priorty: 1 }]", kv }),
      /priorty/,
    );
    await assert.rejects(
      createGateway({ config: { channels: [{ name: "x", plugin: "nope" }] }, kv }),
      /nope/,
    );
  } finally {
    kv.close();
  }
});

Deno.test("createGateway() reload() rebuilds the config and keeps the running one on failure", async () => {
  const kv = await Deno.openKv(":memory:");
  const vars: Record<string, string> = { MODEL: "echo", PLUGIN: "echo" };
  const gateway = await createGateway({
    config: `
log: { requests: false, level: error }
channels: [{ name: echo, plugin: "\${PLUGIN}", models: ["\${MODEL}"] }]
`,
    kv,
    env: (name) => vars[name],
  });
  const models = async () =>
    (await (await gateway(new Request("http://127.0.0.1/v1/models"))).json()).data
      .map((m: { id: string }) => m.id).filter((id: string) => !id.includes("/"));
  try {
    vars.MODEL = "echo-2";
    assert.equal((await gateway.reload()).ok, true);
    assert.deepEqual(await models(), ["echo-2"]);
    vars.PLUGIN = "nope";
    const refused = await gateway.reload();
    assert.equal(refused.ok, false);
    assert.match(refused.message, /nope/);
    assert.deepEqual(await models(), ["echo-2"]);
  } finally {
    await gateway.close();
    kv.close();
  }
});
