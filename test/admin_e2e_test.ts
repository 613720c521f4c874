/**
 * The admin API end to end: keys and channels made through it serve traffic at once, show in the
 * stats, stop when revoked, survive reloads, restarts and other instances; the config file's
 * entries are read-only; bad input is a 400 naming the field; a channel test reports success and
 * failure. Gateways are real (harness, or `main.ts` as a subprocess for restarts and a second
 * instance on one KV file); upstreams are local servers.
 */
import assert from "node:assert/strict";
import { chatCompletion, startGateway, startUpstream, type Upstream } from "./_harness.ts";
import { type MainProcess, startMain, until } from "./ops_process.ts";

const ADMIN = "sk-admin-e2e-0123456789";
const FILE_KEY = "sk-file-key-0123456789";
const SECRET = "an-e2e-secret-that-is-long-enough";
const UPSTREAM_KEY = "sk-upstream-SECRET-7777";

const config = (extra = "") => `
admin: { key: "${ADMIN}" }
secret: "${SECRET}"
defaults: { timeout: 3s, retry: 0 }
channels:
  - { name: file-echo, plugin: echo, models: [echo-model, plain-model] }
keys:
  - { name: file-key, key: "${FILE_KEY}" }
${extra}`;

/** A JSON call with the admin key; the answer's status and body. */
async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; error: ErrorBody }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = await res.json();
  return { status: res.status, json, error: typeof json.error === "object" ? json.error : {} };
}

/** The OpenAI-shaped error of a refused call. */
interface ErrorBody {
  code?: string;
  param?: string | null;
  message?: string;
}

/** A chat request with gateway key `key`; its status (and channel header). */
async function chat(url: string, key: string, model: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.body?.cancel();
  return { status: res.status, channel: res.headers.get("x-sluice-channel") };
}

/** An OpenAI-compatible upstream: chat answers, or `status` for every request. */
function upstream(status = 200): Upstream {
  return startUpstream((request) => {
    if (status !== 200) {
      return Response.json({ error: { message: "Incorrect API key provided: sk-up…7777" } }, {
        status,
      });
    }
    if (new URL(request.url).pathname.endsWith("/models")) {
      return Response.json({ object: "list", data: [{ id: "up-model", object: "model" }] });
    }
    return Response.json(chatCompletion("from upstream", "up-model"));
  });
}

const channelBody = (url: string, extra: Record<string, unknown> = {}) => ({
  name: "kv-up",
  plugin: "openai",
  base_url: url,
  keys: [UPSTREAM_KEY],
  models: ["up-model"],
  priority: 2,
  weight: 3,
  timeout: "5s",
  headers: { "X-Team": "research" },
  limits: { requests: 1000 },
  price: { input: 1, output: 2 },
  ...extra,
});

Deno.test("admin e2e: a key made by the API works at once, shows in /admin/stats, and stops when revoked", async () => {
  const gateway = await startGateway(config());
  try {
    const made = await call(gateway.url, "POST", "/admin/keys", {
      name: "alice",
      models: ["echo-*"],
      limits: { requests: 100 },
      expires: "2099-01-01",
    });
    assert.equal(made.status, 201);
    const key = made.json.key as string;
    assert.match(key, /^sk-sluice-[\w-]{43}$/);
    assert.equal(made.json.source, "kv");
    assert.equal(made.json.state, "active");
    assert.match(made.json.key_hint as string, /^sk-…[\w-]{4}$/);

    assert.equal((await chat(gateway.url, key, "echo-model")).status, 200);
    assert.equal((await chat(gateway.url, key, "plain-model")).status, 403, "models allow-list");
    await gateway.ledger.flush();
    const stats = await call(gateway.url, "GET", "/admin/stats");
    const alice = (stats.json.keys as { name: string; requests: number; limits: unknown }[])
      .find((k) => k.name === "alice");
    assert.equal(alice?.requests, 2);
    assert.deepEqual(alice?.limits, { requests: 100, reset: "0 0 * * *", timezone: "UTC" });

    const listed = await call(gateway.url, "GET", "/admin/keys");
    const names = (listed.json.data as { name: string; source: string; key: string }[])
      .map((k) => `${k.name}:${k.source}`);
    assert.deepEqual(names, ["file-key:file", "alice:kv"]);
    assert.ok(!JSON.stringify(listed.json).includes(key), "the key is shown once only");

    const keyView = (await call(gateway.url, "GET", "/admin/keys/alice")).json;
    const put = await call(gateway.url, "PUT", "/admin/keys/alice", { ...keyView, models: ["*"] });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.deepEqual(put.json.models, ["*"]);
    assert.equal((await chat(gateway.url, key, "plain-model")).status, 200);

    assert.equal(
      (await call(gateway.url, "POST", "/admin/keys/alice/disable")).json.state,
      "disabled",
    );
    assert.equal((await chat(gateway.url, key, "echo-model")).status, 401);
    assert.equal(
      (await call(gateway.url, "POST", "/admin/keys/alice/enable")).json.state,
      "active",
    );
    assert.equal((await chat(gateway.url, key, "echo-model")).status, 200);
    assert.deepEqual((await call(gateway.url, "DELETE", "/admin/keys/alice")).json, {
      name: "alice",
      deleted: true,
    });
    assert.equal((await chat(gateway.url, key, "echo-model")).status, 401);
    assert.equal((await call(gateway.url, "GET", "/admin/keys/alice")).status, 404);
  } finally {
    await gateway.close();
  }
});

Deno.test("admin e2e: a channel added by the API routes at once, sealed in KV, and survives a reload", async () => {
  const up = upstream();
  const gateway = await startGateway(config());
  try {
    const made = await call(gateway.url, "POST", "/admin/channels", channelBody(up.url));
    assert.equal(made.status, 201, JSON.stringify(made.json));
    assert.deepEqual(made.json.keys, ["sk-…7777"]);
    assert.equal(made.json.timeout, "5s");
    assert.equal(made.json.state, "active");

    const routed = await chat(gateway.url, FILE_KEY, "up-model");
    assert.deepEqual(routed, { status: 200, channel: "kv-up" });
    assert.equal(up.received.at(-1)?.headers.get("authorization"), `Bearer ${UPSTREAM_KEY}`);
    assert.equal(up.received.at(-1)?.headers.get("x-team"), "research");

    // What KV holds has no upstream key in it.
    for await (const entry of gateway.kv.list({ prefix: [] })) {
      const text = JSON.stringify(
        entry.value ?? null,
        (_, v) => typeof v === "bigint" ? `${v}` : v,
      );
      assert.ok(!text.includes(UPSTREAM_KEY), String(entry.key));
    }

    const reloaded = await call(gateway.url, "POST", "/admin/reload");
    assert.equal(reloaded.json.ok, true);
    assert.equal((await chat(gateway.url, FILE_KEY, "up-model")).status, 200);

    const changed = await call(gateway.url, "PATCH", "/admin/channels/kv-up", {
      models: ["up-model", "up-2"],
      keys: ["sk-…7777"], // the masked key sent back keeps the stored one
      timeout: null,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    assert.deepEqual(changed.json.models, ["up-model", "up-2"]);
    assert.equal(changed.json.timeout, null);
    assert.equal((await chat(gateway.url, FILE_KEY, "up-2")).status, 200);
    assert.equal(up.received.at(-1)?.headers.get("authorization"), `Bearer ${UPSTREAM_KEY}`);

    // A view edited and sent back whole (as the dashboard's form does) is an update.
    const view = (await call(gateway.url, "GET", "/admin/channels/kv-up")).json;
    const put = await call(gateway.url, "PUT", "/admin/channels/kv-up", { ...view, priority: 7 });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.deepEqual({ ...put.json, updated_at: null }, { ...view, priority: 7, updated_at: null });
    assert.equal((await chat(gateway.url, FILE_KEY, "up-2")).status, 200);
    assert.equal(up.received.at(-1)?.headers.get("authorization"), `Bearer ${UPSTREAM_KEY}`);

    assert.equal((await call(gateway.url, "POST", "/admin/channels/kv-up/disable")).status, 200);
    assert.equal((await chat(gateway.url, FILE_KEY, "up-model")).status, 404);
    assert.equal((await call(gateway.url, "DELETE", "/admin/channels/kv-up")).status, 200);
    const list = await call(gateway.url, "GET", "/admin/channels");
    assert.deepEqual((list.json.data as { name: string }[]).map((c) => c.name), ["file-echo"]);
  } finally {
    await gateway.close();
    await up.close();
  }
});

Deno.test("admin e2e: the config file's entries are listed as read-only and edits get 409", async () => {
  const gateway = await startGateway(config());
  try {
    const list = await call(gateway.url, "GET", "/admin/channels");
    const echo = (list.json.data as Record<string, unknown>[])[0];
    assert.equal(echo.source, "file");
    assert.equal(echo.state, "active");
    for (
      const [method, path, body] of [
        ["PATCH", "/admin/channels/file-echo", { priority: 5 }],
        ["PUT", "/admin/channels/file-echo", { plugin: "echo" }],
        ["DELETE", "/admin/channels/file-echo", undefined],
        ["POST", "/admin/channels/file-echo/disable", undefined],
        ["POST", "/admin/channels", { name: "file-echo", plugin: "echo", models: ["x"] }],
        ["PATCH", "/admin/keys/file-key", { models: ["x"] }],
        ["DELETE", "/admin/keys/file-key", undefined],
        ["POST", "/admin/keys", { name: "file-key" }],
      ] as const
    ) {
      const answer = await call(gateway.url, method, path, body);
      assert.equal(answer.status, 409, `${method} ${path}`);
      assert.equal(answer.error.code, "read_only");
      assert.match(answer.error.message ?? "", /config file.*read-only/);
    }
  } finally {
    await gateway.close();
  }
});

Deno.test("admin e2e: bad channel and key input gets a 400 naming the field", async () => {
  const gateway = await startGateway(config());
  try {
    const cases: [string, Record<string, unknown>, string | null, RegExp][] = [
      [
        "/admin/channels",
        { name: "x", plugin: "nope", models: ["m"] },
        "plugin",
        /Unknown plugin "nope"/,
      ],
      [
        "/admin/channels",
        { name: "x", plugin: "echo", models: ["m"], colour: "red" },
        "colour",
        /Unknown field/,
      ],
      [
        "/admin/channels",
        { name: "x", plugin: "openai", models: ["m"], timeout: "soon" },
        "timeout",
        /Invalid duration/,
      ],
      [
        "/admin/channels",
        { name: "../x", plugin: "echo", models: ["m"] },
        "name",
        /letters, digits/,
      ],
      [
        "/admin/channels",
        {
          name: "x",
          plugin: "azure",
          base_url: "https://a.example",
          models: ["m"],
          options: { bogus: 1 },
        },
        "options",
        /unknown field "bogus"/,
      ],
      [
        "/admin/channels",
        { name: "x", plugin: "openai", models: ["m"], headers: { "bad header": "v" } },
        "headers.bad header",
        /Invalid header/,
      ],
      [
        "/admin/channels",
        { name: "x", plugin: "openai", models: ["m"], limits: { reset: "daily" } },
        "limits.reset",
        /5-field cron/,
      ],
      ["/admin/keys", { name: "k", channels: ["nope"] }, "channels[0]", /Unknown channel "nope"/],
      ["/admin/keys", { name: "k", expires: "tomorrow" }, "expires", /Invalid/],
      ["/admin/keys", { name: "k", key: "sk-mine" }, "key", /gateway makes the key/],
    ];
    for (const [path, body, param, message] of cases) {
      const answer = await call(gateway.url, "POST", path, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.error.param, param, JSON.stringify(answer.json));
      assert.match(answer.error.message ?? "", message);
    }
    const notJson = await fetch(`${gateway.url}/admin/channels`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: "{nope",
    });
    assert.equal(notJson.status, 400);
    assert.equal((await notJson.json()).error.code, "invalid_json");
    const form = await fetch(`${gateway.url}/admin/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
      body: new URLSearchParams({ name: "k" }),
    });
    assert.equal(form.status, 400);
    assert.match((await form.json()).error.message, /not valid JSON/);
    const huge = await fetch(`${gateway.url}/admin/channels`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", plugin: "echo", pad: "x".repeat(70_000) }),
    });
    assert.equal(huge.status, 413);
    await huge.body?.cancel();
    const renamed = await call(gateway.url, "POST", "/admin/keys", { name: "k" });
    assert.equal(renamed.status, 201);
    const rename = await call(gateway.url, "PATCH", "/admin/keys/k", { name: "other" });
    assert.equal(rename.status, 400);
    assert.equal(rename.error.param, "name");
    assert.equal((await call(gateway.url, "GET", "/admin/nowhere")).status, 404);
    assert.equal((await call(gateway.url, "GET", "/admin/channels/missing")).status, 404);
    const long = "a".repeat(3_000);
    assert.equal((await call(gateway.url, "GET", `/admin/keys/${long}`)).status, 404);
    assert.equal((await call(gateway.url, "DELETE", `/admin/channels/${long}`)).status, 404);
    const tooLong = await call(gateway.url, "POST", "/admin/keys", { name: long });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.error.param, "name");
    const wrongMethod = await call(gateway.url, "DELETE", "/admin/channels");
    assert.equal(wrongMethod.status, 405);
  } finally {
    await gateway.close();
  }
});

Deno.test("admin e2e: the channel test reports success, an upstream's refusal and no answer", async () => {
  const good = upstream();
  const refusing = upstream(401);
  const gateway = await startGateway(config());
  try {
    await call(gateway.url, "POST", "/admin/channels", channelBody(good.url));
    await call(gateway.url, "POST", "/admin/channels", channelBody(refusing.url, { name: "bad" }));
    const closed = startUpstream(() => new Response());
    const deadUrl = closed.url;
    await closed.close();
    await call(gateway.url, "POST", "/admin/channels", channelBody(deadUrl, { name: "dead" }));

    const ok = await call(gateway.url, "POST", "/admin/channels/kv-up/test");
    assert.equal(ok.json.ok, true, JSON.stringify(ok.json));
    assert.equal(ok.json.kind, "chat");
    assert.equal(ok.json.model, "up-model");
    assert.equal(ok.json.status, 200);
    assert.equal(ok.json.reply, "from upstream");
    assert.equal(typeof ok.json.latency_ms, "number");
    assert.equal(JSON.parse(good.received.at(-1)!.body).max_tokens, 16);

    const refused = await call(gateway.url, "POST", "/admin/channels/bad/test");
    assert.equal(refused.json.ok, false);
    assert.equal(refused.json.status, 401);
    assert.match(String(refused.json.error), /Incorrect API key/);

    const dead = await call(gateway.url, "POST", "/admin/channels/dead/test", {
      model: "up-model",
    });
    assert.equal(dead.json.ok, false);
    assert.equal(dead.json.status, null);
    assert.equal(typeof dead.json.error, "string");

    const echo = await call(gateway.url, "POST", "/admin/channels/file-echo/test");
    assert.equal(echo.json.ok, true, JSON.stringify(echo.json));
    assert.equal((await call(gateway.url, "POST", "/admin/channels/nope/test")).status, 404);
    const badBody = await call(gateway.url, "POST", "/admin/channels/kv-up/test", { modle: "x" });
    assert.equal(badBody.status, 400);
    // A test is not traffic: the breaker of the refusing channel is untouched.
    assert.equal(gateway.holder.current.health.snapshot("bad").failures, 0);
  } finally {
    await gateway.close();
    await good.close();
    await refusing.close();
  }
});

/** Two `main.ts` processes on one KV file: what one changes, the other serves. */
async function twoInstances(run: (a: MainProcess, b: MainProcess, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "sluice-admin-" });
  const configPath = `${dir}/gateway.yaml`;
  await Deno.writeTextFile(configPath, config());
  const options = {
    args: ["--config", configPath],
    cwd: dir,
    env: { SLUICE_KV: "data/sluice.kv", PATH: Deno.env.get("PATH") ?? "" },
  };
  const a = await startMain(options);
  let b: MainProcess | undefined;
  try {
    b = await startMain(options);
    await run(a, b, dir);
  } finally {
    await a.kill();
    await b?.kill();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("admin e2e: a second instance on the same KV follows changes, and a restart keeps them", async () => {
  const up = upstream();
  try {
    await twoInstances(async (a, b, dir) => {
      // A session started on one instance is good on the other: it lives in KV.
      const login = await fetch(`${a.url}/admin/login`, {
        method: "POST",
        body: JSON.stringify({ key: ADMIN }),
      });
      const { csrf_token } = await login.json();
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const onB = await fetch(`${b.url}/admin/keys`, {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrf_token },
        body: JSON.stringify({ name: "via-session" }),
      });
      assert.equal(onB.status, 201);
      await onB.body?.cancel();

      const made = await call(a.url, "POST", "/admin/keys", { name: "shared" });
      const key = made.json.key as string;
      await until(
        async () => (await chat(b.url, key, "echo-model")).status === 200,
        "B to accept A's key",
      );
      assert.equal((await call(a.url, "POST", "/admin/channels", channelBody(up.url))).status, 201);
      await until(
        async () => (await chat(b.url, key, "up-model")).status === 200,
        "B to route to A's channel",
      );

      await call(a.url, "DELETE", "/admin/keys/shared");
      await until(
        async () => (await chat(b.url, key, "echo-model")).status === 401,
        "B to refuse the revoked key",
      );

      // A restart reads KV before serving: the first request already sees the stored channel.
      await b.kill();
      const again = await startMain({
        args: ["--config", `${dir}/gateway.yaml`],
        cwd: dir,
        env: { SLUICE_KV: "data/sluice.kv", PATH: Deno.env.get("PATH") ?? "" },
      });
      try {
        assert.deepEqual(await chat(again.url, FILE_KEY, "up-model"), {
          status: 200,
          channel: "kv-up",
        });
        assert.equal(up.received.at(-1)?.headers.get("authorization"), `Bearer ${UPSTREAM_KEY}`);
        assert.ok(!again.stderr().includes(UPSTREAM_KEY));
      } finally {
        await again.kill();
      }
    });
  } finally {
    await up.close();
  }
});
