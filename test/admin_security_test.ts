/**
 * The admin backend attacked: session cookies and their attributes, CSRF from scripts and other
 * sites, guessing the admin key, secrets looked for in every admin answer and log line, a wrong
 * `secret` at start-up, and rotating the secret. Gateways are real (harness, or `main.ts` as a
 * subprocess for start-up); upstreams are local servers.
 */
import assert from "node:assert/strict";
import { adminKeys } from "../src/store/keys.ts";
import { chatCompletion, startGateway, startUpstream, type TestGateway } from "./_harness.ts";
import { type MainProcess, startMain } from "./ops_process.ts";

const ADMIN = "sk-admin-SECRET-0123456789";
const FILE_KEY = "sk-file-SECRET-0123456789";
const SECRET = "the-first-secret-long-enough";
const UPSTREAM_KEY = "sk-upstream-SECRET-4242";
const HEADER_SECRET = "hdr-SECRET-value-8888";

const config = (secret = `secret: "${SECRET}"`) => `
admin: { key: "${ADMIN}" }
${secret}
channels:
  - { name: file-echo, plugin: echo, models: [echo-model] }
keys:
  - { name: file-key, key: "${FILE_KEY}" }
`;

/** A client at `address` (a local proxy's X-Forwarded-For, believed from loopback). */
const from = (address: string) => ({ "x-forwarded-for": address });

async function login(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ res: Response; cookie: string; csrf: string; text: string }> {
  const res = await fetch(`${url}/admin/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ key: ADMIN }),
  });
  const text = await res.text();
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  return { res, cookie, csrf: res.ok ? JSON.parse(text).csrf_token : "", text };
}

Deno.test("admin security: login sets an HttpOnly, SameSite=Strict session cookie, Secure behind HTTPS", async () => {
  const gateway = await startGateway(config());
  try {
    const plain = await login(gateway.url);
    assert.equal(plain.res.status, 200);
    const set = plain.res.headers.get("set-cookie")!;
    assert.match(
      set,
      /^sluice_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    assert.match(plain.csrf, /^[\w-]{43}$/);

    const tls = await login(gateway.url, { "x-forwarded-proto": "https" });
    const secure = tls.res.headers.get("set-cookie")!;
    assert.match(secure, /^__Host-sluice_session=[\w-]{43};.*; Path=\/; .*Secure/);
    assert.match(secure, /HttpOnly/);
    assert.match(secure, /SameSite=Strict/);

    // The session works for reads, and for the other origin's cookie name it does not.
    const ok = await fetch(`${gateway.url}/admin/session`, { headers: { cookie: plain.cookie } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).via, "session");
    const swapped = await fetch(`${gateway.url}/admin/channels`, {
      headers: { cookie: plain.cookie, "x-forwarded-proto": "https" },
    });
    assert.equal(swapped.status, 401);
    await swapped.body?.cancel();

    // A form login redirects to the dashboard (or its `next`, if local); a wrong key goes back.
    const form = await fetch(`${gateway.url}/admin/login`, {
      method: "POST",
      body: new URLSearchParams({ key: ADMIN, next: "/dashboard/keys" }),
      redirect: "manual",
    });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get("location"), "/dashboard/keys");
    const offsite = await fetch(`${gateway.url}/admin/login`, {
      method: "POST",
      body: new URLSearchParams({ key: ADMIN, next: "//evil.example/" }),
      redirect: "manual",
    });
    assert.equal(offsite.headers.get("location"), "/dashboard");
    const wrong = await fetch(`${gateway.url}/admin/login`, {
      method: "POST",
      headers: from("10.0.0.9"),
      body: new URLSearchParams({ key: "nope" }),
      redirect: "manual",
    });
    assert.equal(wrong.status, 303);
    assert.equal(wrong.headers.get("location"), "/dashboard/login?error=invalid_key");
    assert.equal(wrong.headers.get("set-cookie"), null);
    const json = await fetch(`${gateway.url}/admin/login`, {
      method: "POST",
      headers: { "content-type": "application/json", ...from("10.0.0.9") },
      body: JSON.stringify({ key: "nope" }),
    });
    assert.equal(json.status, 401);
    assert.equal((await json.json()).error.code, "invalid_api_key");

    // Logout ends the session everywhere: the cookie is refused afterwards.
    const out = await fetch(`${gateway.url}/admin/logout`, {
      method: "POST",
      headers: { cookie: plain.cookie, "x-csrf-token": plain.csrf },
    });
    assert.equal(out.status, 200);
    assert.match(out.headers.get("set-cookie")!, /^sluice_session=; Max-Age=0/);
    await out.body?.cancel();
    const after = await fetch(`${gateway.url}/admin/channels`, {
      headers: { cookie: plain.cookie },
    });
    assert.equal(after.status, 401);
    await after.body?.cancel();
    const page = await fetch(`${gateway.url}/admin/channels`, {
      headers: { cookie: plain.cookie, accept: "text/html" },
      redirect: "manual",
    });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get("location"), "/dashboard/login?next=%2Fadmin%2Fchannels");
  } finally {
    await gateway.close();
  }
});

Deno.test("admin security: a session's changes need its CSRF token and this origin; the key needs neither", async () => {
  const gateway = await startGateway(config());
  try {
    const { cookie, csrf } = await login(gateway.url);
    const post = (headers: Record<string, string>, body: BodyInit = '{"name":"k1"}') =>
      fetch(`${gateway.url}/admin/keys`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", ...headers },
        body,
      });
    const refusals: [Record<string, string>, RegExp][] = [
      [{}, /Missing CSRF token/],
      [{ "x-csrf-token": "forged" }, /Invalid CSRF token/],
      [{ "x-csrf-token": csrf, origin: "https://evil.example" }, /Cross-origin/],
      [{ "x-csrf-token": csrf, "sec-fetch-site": "cross-site" }, /Cross-site/],
      [{ "x-csrf-token": csrf, "sec-fetch-site": "same-site" }, /Cross-site/],
      [{ "x-csrf-token": csrf, origin: "null" }, /Cross-origin/],
    ];
    for (const [headers, message] of refusals) {
      const res = await post(headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      const error = (await res.json()).error;
      assert.equal(error.code, "csrf_failed");
      assert.match(error.message, message);
    }
    assert.equal(
      (await gateway.kv.get(adminKeys.gatewayKey("k1"))).value,
      null,
      "nothing was made",
    );

    const same = await post({
      "x-csrf-token": csrf,
      origin: gateway.url,
      "sec-fetch-site": "same-origin",
    });
    assert.equal(same.status, 201);
    await same.body?.cancel();
    // The token in a form field works as well (logout by a plain HTML form).
    const form = await fetch(`${gateway.url}/admin/logout`, {
      method: "POST",
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf }),
      redirect: "manual",
    });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get("location"), "/dashboard/login?logged_out=1");

    const byKey = await fetch(`${gateway.url}/admin/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, origin: "https://elsewhere.example" },
      body: '{"name":"k2"}',
    });
    assert.equal(byKey.status, 201);
    await byKey.body?.cancel();
  } finally {
    await gateway.close();
  }
});

Deno.test("admin security: repeated wrong admin keys lock the address out, with Retry-After", async () => {
  const gateway = await startGateway(config());
  try {
    const attempt = (key: string, address: string) =>
      fetch(`${gateway.url}/admin/channels`, {
        headers: { authorization: `Bearer ${key}`, ...from(address) },
      }).then(async (res) => ({
        status: res.status,
        retry: res.headers.get("retry-after"),
        body: await res.json(),
      }));
    // Three wrong keys cost nothing; the fourth starts a lockout (1 s, doubling after).
    for (let i = 0; i < 4; i++) assert.equal((await attempt(`wrong-${i}`, "10.1.1.1")).status, 401);
    const locked = await attempt(ADMIN, "10.1.1.1");
    assert.equal(locked.status, 429, "even the right key waits out the lockout");
    assert.equal(locked.retry, "1");
    assert.equal(locked.body.error.code, "login_throttled");
    // The lockout is the address's only; the form login says so on the login page.
    assert.equal((await attempt(ADMIN, "10.1.1.2")).status, 200);
    const form = await fetch(`${gateway.url}/admin/login`, {
      method: "POST",
      headers: from("10.1.1.1"),
      body: new URLSearchParams({ key: ADMIN }),
      redirect: "manual",
    });
    assert.equal(form.headers.get("location"), "/dashboard/login?error=throttled&retry_after=1");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal((await attempt("wrong-4", "10.1.1.1")).status, 401);
    assert.equal(
      (await attempt(ADMIN, "10.1.1.1")).retry,
      "2",
      "the next lockout is twice as long",
    );
    const record = await gateway.kv.get<{ count: number }>(adminKeys.loginFailures("10.1.1.1"));
    assert.equal(record.value?.count, 5);
  } finally {
    await gateway.close();
  }
});

Deno.test("admin security: no admin answer or log line holds a full secret", async () => {
  const up = startUpstream(() => Response.json(chatCompletion("ok", "up-model")));
  const lines: string[] = [];
  const gateway = await startGateway(config(), { log: (line) => lines.push(line) });
  const answers: string[] = [];
  try {
    const { cookie, csrf, text } = await login(gateway.url);
    const sessionId = cookie.split("=")[1];
    answers.push(text);
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(gateway.url + path, {
        method,
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, headers: [...res.headers].join("\n") };
    };
    const channel = {
      name: "kv-up",
      plugin: "openai",
      base_url: up.url,
      keys: [UPSTREAM_KEY],
      models: ["up-model"],
      headers: { "api-key": HEADER_SECRET, "X-Team": "research" },
    };
    const made = await send("POST", "/admin/channels", channel);
    assert.equal(made.status, 201, made.text);
    const createdKey = await send("POST", "/admin/keys", { name: "alice" });
    const gatewayKey = JSON.parse(createdKey.text).key as string;
    assert.match(gatewayKey, /^sk-sluice-/);
    assert.equal(
      await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${gatewayKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "up-model", messages: [{ role: "user", content: "hi" }] }),
      }).then(async (r) => (await r.body?.cancel(), r.status)),
      200,
    );
    assert.equal(up.received.at(-1)?.headers.get("api-key"), HEADER_SECRET);
    await gateway.ledger.flush();

    for (
      const [method, path, body] of [
        ["GET", "/admin/channels"],
        ["GET", "/admin/channels/kv-up"],
        ["PATCH", "/admin/channels/kv-up", { headers: { "api-key": "hdr…8888", "X-Team": "x" } }],
        ["POST", "/admin/channels/kv-up/test"],
        ["POST", "/admin/channels/kv-up/disable"],
        ["GET", "/admin/keys"],
        ["GET", "/admin/keys/alice"],
        ["PATCH", "/admin/keys/alice", { models: ["up-*"] }],
        ["GET", "/admin/session"],
        ["GET", "/admin/stats"],
        ["GET", "/admin/requests"],
        ["GET", "/admin/providers/up-model"],
        ["POST", "/admin/secret/rotate"],
        ["POST", "/admin/reload"],
        ["GET", "/admin/login?error=invalid_key"],
        ["GET", "/health"],
        ["POST", "/admin/channels", { ...channel, name: "bad", plugin: "nope" }],
      ] as const
    ) {
      const answer = await send(method, path, body);
      assert.ok(answer.status < 500, `${method} ${path}: ${answer.text}`);
      answers.push(`${method} ${path}\n${answer.headers}\n${answer.text}`);
    }
    // The masked header sent back kept the stored value.
    const enabled = await send("POST", "/admin/channels/kv-up/enable");
    answers.push(enabled.text);
    await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${FILE_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "up-model", messages: [{ role: "user", content: "hi" }] }),
    }).then((r) => r.body?.cancel());
    assert.equal(up.received.at(-1)?.headers.get("api-key"), HEADER_SECRET);

    const secrets = { UPSTREAM_KEY, HEADER_SECRET, gatewayKey, ADMIN, sessionId, SECRET };
    for (const [what, secret] of Object.entries(secrets)) {
      for (const answer of answers) {
        assert.ok(!answer.includes(secret), `${what} in an admin answer:\n${answer.slice(0, 300)}`);
      }
      for (const line of lines) assert.ok(!line.includes(secret), `${what} in a log line: ${line}`);
    }
    // The key appears in its create answer, once, and is not cacheable there.
    assert.ok(createdKey.text.includes(gatewayKey));
    assert.match(createdKey.headers, /^cache-control,no-store$/m);
  } finally {
    await gateway.close();
    await up.close();
  }
});

/** `main.ts` with `config` in a temporary folder and a KV file there, until `run` is done. */
async function withMain(dir: string, yaml: string, env: Record<string, string> = {}) {
  await Deno.writeTextFile(`${dir}/gateway.yaml`, yaml);
  return startMain({
    args: ["--config", `${dir}/gateway.yaml`],
    cwd: dir,
    env: { SLUICE_KV: "data/sluice.kv", PATH: Deno.env.get("PATH") ?? "", ...env },
    noWait: true,
  });
}

/** The exit code of a process that should stop on its own; killed (137) if it does not. */
async function exitCode(main: MainProcess, ms = 10_000): Promise<number> {
  const timer = setTimeout(() => void main.kill(), ms);
  try {
    return (await main.process.status).code;
  } finally {
    clearTimeout(timer);
    await main.kill();
  }
}

Deno.test("admin security: a wrong or missing secret stops the start; rotation seals again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-secret-" });
  const up = startUpstream(() => Response.json(chatCompletion("ok", "up-model")));
  const yaml = (secret: string) => config(secret) + "\n" + "defaults: { retry: 0 }\n";
  try {
    const first = await withMain(dir, yaml(`secret: "${SECRET}"`));
    await first.waitFor(/listening on/);
    const made = await fetch(`${first.url}/admin/channels`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({
        name: "kv-up",
        plugin: "openai",
        base_url: up.url,
        keys: [UPSTREAM_KEY],
        models: ["up-model"],
      }),
    });
    assert.equal(made.status, 201);
    await made.body?.cancel();
    await first.kill();

    const wrong = await withMain(dir, yaml(`secret: "another-secret-entirely"`));
    assert.equal(await exitCode(wrong), 1);
    assert.match(
      wrong.stderr(),
      /The configured "secret" does not open the upstream keys of 1 stored channel/,
    );
    assert.ok(!wrong.stderr().includes("another-secret-entirely"));
    assert.doesNotMatch(wrong.stderr(), /listening on/);

    const missing = await withMain(dir, yaml(""));
    assert.equal(await exitCode(missing), 1);
    assert.match(missing.stderr(), /"secret" is empty: set it/);

    // Rotation: the new secret, the old one as previous; the next start seals again.
    const rotating = await withMain(
      dir,
      yaml(`secret: "the-second-secret-long-enough"\nsecret_previous: "${SECRET}"`),
    );
    await rotating.waitFor(/listening on/);
    assert.match(rotating.stderr(), /Sealed the upstream keys of 1 stored channel again/);
    await rotating.kill();
    const rotated = await withMain(dir, yaml(`secret: "the-second-secret-long-enough"`));
    await rotated.waitFor(/listening on/);
    const routed = await fetch(`${rotated.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${FILE_KEY}` },
      body: JSON.stringify({ model: "up-model", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(routed.status, 200);
    await routed.body?.cancel();
    assert.equal(up.received.at(-1)?.headers.get("authorization"), `Bearer ${UPSTREAM_KEY}`);
    await rotated.kill();
    const old = await withMain(dir, yaml(`secret: "${SECRET}"`));
    assert.equal(await exitCode(old), 1, "the old secret no longer opens them");
  } finally {
    await up.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("admin security: POST /admin/secret/rotate seals again with the reloaded secret", async () => {
  let yaml = config();
  const gateway: TestGateway = await startGateway(yaml, { reloadYaml: () => yaml });
  try {
    const made = await fetch(`${gateway.url}/admin/channels`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ name: "kv", plugin: "echo", models: ["m"], keys: [UPSTREAM_KEY] }),
    });
    assert.equal(made.status, 201);
    await made.body?.cancel();
    const before = (await gateway.kv.get<{ keys: string[] }>(adminKeys.channel("kv"))).value!;

    yaml = config(`secret: "the-second-secret-long-enough"\nsecret_previous: "${SECRET}"`);
    assert.equal((await gateway.holder.reload("test")).ok, true);
    assert.equal(gateway.holder.current.channelsByName.get("kv")?.keys.all[0], UPSTREAM_KEY);
    const rotate = await fetch(`${gateway.url}/admin/secret/rotate`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const report = await rotate.json();
    assert.equal(report.rotated, 1);
    assert.equal(report.sealed, 1);
    const after = (await gateway.kv.get<{ keys: string[] }>(adminKeys.channel("kv"))).value!;
    assert.notEqual(after.keys[0], before.keys[0]);

    // Without the previous secret the re-sealed key still opens; with neither it is refused.
    yaml = config(`secret: "the-second-secret-long-enough"`);
    assert.equal((await gateway.holder.reload("test")).ok, true);
    assert.equal(gateway.holder.current.channelsByName.get("kv")?.keys.all[0], UPSTREAM_KEY);
    yaml = config(`secret: "a-third-secret-long-enough"`);
    const refused = await gateway.holder.reload("test");
    assert.equal(refused.ok, false);
    assert.match(refused.message, /does not open/);
    assert.equal(gateway.holder.current.config.secret, "the-second-secret-long-enough");
    assert.equal(gateway.holder.current.channelsByName.get("kv")?.keys.all[0], UPSTREAM_KEY);
  } finally {
    await gateway.close();
  }
});

Deno.test("admin security: a sha256: admin key guards /admin, /health?probe=1 and /metrics", async () => {
  const digest = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(ADMIN))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const gateway = await startGateway(
    config().replace(`key: "${ADMIN}"`, `key: "sha256:${digest}"`) + "metrics: { access: key }\n",
    { metrics: () => ({ record() {}, render: () => "# metrics\n" }) },
  );
  try {
    const get = async (path: string, key: string) => {
      const res = await fetch(gateway.url + path, { headers: { authorization: `Bearer ${key}` } });
      await res.body?.cancel();
      return res.status;
    };
    assert.equal(await get("/admin/channels", ADMIN), 200);
    assert.equal(await get("/health?probe=1", ADMIN), 200);
    assert.equal(await get("/metrics", ADMIN), 200);
    assert.equal(await get("/metrics", `sha256:${digest}`), 401, "the digest is not the key");
    assert.equal(await get("/admin/channels", `sha256:${digest}`), 401);
    assert.equal((await login(gateway.url, from("10.2.2.2"))).res.status, 200);
  } finally {
    await gateway.close();
  }
});
