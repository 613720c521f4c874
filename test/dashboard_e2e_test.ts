/**
 * The dashboard through a real gateway, without a browser: who may see it, what every page and
 * JSON answer carries (figures that match the traffic sent, a strict CSP, no inline script, no
 * secret anywhere), the language toggle, cached assets, and WebSocket sessions listed while open.
 * The browser's view of the same is in `test/browser/`.
 */
import assert from "node:assert/strict";
import { chatCompletion, startGateway, startUpstream, type TestGateway } from "./_harness.ts";
import { startWsUpstream } from "./_ws_upstream.ts";

const ADMIN = "admin-key-e2e-0123456789abcdef";
const SECRETS = {
  admin: ADMIN,
  secret: "sealing-secret-0123456789abcdef",
  upstream: "sk-upstream-real-0123456789abcdef",
  header: "header-credential-0123456789",
  alice: "sk-alice-gateway-0123456789abcdef",
  bob: "sk-bob-gateway-0123456789abcdef",
};

export const PAGES = [
  "/dashboard",
  "/dashboard?range=day",
  "/dashboard?range=week",
  "/dashboard/channels",
  "/dashboard/channels?edit=up",
  "/dashboard/keys",
  "/dashboard/keys?edit=alice",
  "/dashboard/models",
  "/dashboard/requests",
  "/dashboard/requests?key=alice&status=2xx",
  "/dashboard/sessions",
  "/dashboard/settings",
];
const APIS = [
  "/dashboard/api/overview",
  "/dashboard/api/overview?range=week",
  "/dashboard/api/channels",
  "/dashboard/api/keys",
  "/dashboard/api/sessions",
];

function yaml(upstream: string): string {
  return `
admin: { key: "${SECRETS.admin}" }
secret: "${SECRETS.secret}"
routing: { aliases: { smart: m1 } }
channels:
  - name: up
    plugin: openai
    base_url: "${upstream}/v1"
    keys: ["${SECRETS.upstream}"]
    models: [m1, m2]
    headers: { X-Api-Key: "${SECRETS.header}" }
    price: { input: 1000, output: 2000 }
    limits: { requests: 100, tokens: 100000 }
  - name: off
    plugin: openai
    base_url: "${upstream}/v1"
    enabled: false
    models: [m3]
keys:
  - name: alice
    key: "${SECRETS.alice}"
    limits: { requests: 50 }
  - name: bob
    key: "${SECRETS.bob}"
    expires: 2020-01-01
`;
}

async function withGateway(run: (gw: TestGateway) => Promise<void>): Promise<void> {
  const upstream = startUpstream(() =>
    Response.json(chatCompletion("hello", "m1", { p: 11, c: 7 }))
  );
  const gw = await startGateway(yaml(upstream.url));
  try {
    await run(gw);
  } finally {
    await gw.close();
    await upstream.close();
  }
}

const admin = { authorization: `Bearer ${ADMIN}` };

async function get(gw: TestGateway, path: string, headers: HeadersInit = admin) {
  const res = await fetch(gw.url + path, { headers, redirect: "manual" });
  return { res, text: await res.text() };
}

async function chat(gw: TestGateway, key: string, model: string): Promise<number> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("dashboard: without the admin, pages go to the login page and JSON is a 401", async () => {
  await withGateway(async (gw) => {
    for (const path of ["/dashboard", "/dashboard/keys?x=1", "/dashboard/settings"]) {
      const { res } = await get(gw, path, {});
      assert.equal(res.status, 303, path);
      const location = new URL(res.headers.get("location")!, gw.url);
      assert.equal(location.pathname, "/dashboard/login");
      assert.equal(location.searchParams.get("next"), path);
    }
    const wrong = await get(gw, "/dashboard", { authorization: "Bearer wrong" });
    assert.equal(wrong.res.status, 303);
    for (const path of APIS) {
      const { res, text } = await get(gw, path, {});
      assert.equal(res.status, 401, path);
      assert.equal(typeof JSON.parse(text).error.message, "string");
    }
    // The login page, the language toggle and the assets need no login.
    const login = await get(gw, "/dashboard/login?next=/dashboard/keys", {});
    assert.equal(login.res.status, 200);
    assert.match(login.text, /<form method="post" action="\/admin\/login"/);
    assert.match(login.text, /name="next" value="\/dashboard\/keys"/);
    assert.match(login.text, /<label for="login-key">/);
  });
});

Deno.test("dashboard: a login page never sends the admin elsewhere after signing in", async () => {
  await withGateway(async (gw) => {
    for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil", "/admin/reload"]) {
      const { text } = await get(gw, `/dashboard/login?next=${encodeURIComponent(next)}`, {});
      assert.match(text, /name="next" value="\/dashboard"/, next);
    }
    const { res } = await get(gw, `/dashboard/lang?to=zh&back=${encodeURIComponent("//evil")}`, {});
    assert.equal(res.headers.get("location"), "/dashboard");
  });
});

Deno.test("dashboard: every page is strict HTML: CSP, no inline script or style, labelled inputs", async () => {
  await withGateway(async (gw) => {
    for (const path of PAGES) {
      const { res, text } = await get(gw, path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type")!, /^text\/html/);
      assert.equal(res.headers.get("cache-control"), "no-store");
      const csp = res.headers.get("content-security-policy")!;
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(text, /^<!DOCTYPE html><html lang="en">/);
      // Every script is a file; no inline handlers or styles for the CSP to refuse.
      for (const tag of text.match(/<script[^>]*>/g) ?? []) assert.match(tag, / src="\//);
      assert.doesNotMatch(text, / on[a-z]+="/);
      assert.doesNotMatch(text, / style="/);
      // Landmarks, and a label for every visible input.
      assert.match(text, /<main id="main"/);
      assert.match(text, /<nav class="menu" aria-label=/);
      for (const id of text.matchAll(/<(?:input|select|textarea)[^>]* id="([^"]+)"/g)) {
        assert.match(text, new RegExp(`<label for="${id[1]}">`), `${path}: #${id[1]}`);
      }
      for (const input of text.match(/<input[^>]*>/g) ?? []) {
        if (!/type="hidden"/.test(input)) assert.match(input, / id="/, `${path}: ${input}`);
      }
    }
  });
});

Deno.test("dashboard: figures and charts show the traffic that was sent", async () => {
  await withGateway(async (gw) => {
    for (let i = 0; i < 4; i++) assert.equal(await chat(gw, SECRETS.alice, "m1"), 200);
    assert.equal(await chat(gw, SECRETS.alice, "nope"), 404);
    await gw.recorded(5);
    await gw.ledger.flush();
    const overview = JSON.parse((await get(gw, "/dashboard/api/overview")).text);
    assert.equal(overview.figures.requests, "5");
    assert.equal(overview.figures.errors, "1");
    assert.equal(overview.figures.tokens, "72");
    assert.equal(overview.figures.tokens_split, "44 / 28");
    // 44 prompt tokens at $1000/M and 28 completion at $2000/M.
    assert.equal(overview.figures.cost, "$0.1");
    assert.equal(overview.figures.protocols, "5 / 0");
    const { t, requests, prompt } = overview.columns;
    assert.equal(t.length, 60);
    assert.equal(requests.reduce((a: number, b: number) => a + b, 0), 5);
    assert.equal(prompt.at(-1) + prompt.at(-2), 44);
    const page = (await get(gw, "/dashboard")).text;
    assert.match(page, /data-bind="requests">5</);
    assert.match(page, /class="chart" data-chart="requests"/);
    const keys = JSON.parse((await get(gw, "/dashboard/api/keys")).text);
    assert.equal(keys.figures["key:alice:requests"], "5");
    assert.equal(keys.figures["key:alice:tokens"], "72");
    const channels = JSON.parse((await get(gw, "/dashboard/api/channels")).text);
    assert.equal(channels.figures["channel:up:requests"], "4");
    assert.equal(channels.states["channel:up:state"], "closed");
    assert.equal(channels.states["channel:off:state"], "disabled");
    const log = (await get(gw, "/dashboard/requests?status=4xx")).text;
    assert.equal(log.match(/<span class="status s4xx">404<\/span>/g)?.length, 1);
    assert.doesNotMatch(log, /s2xx/);
    const models = (await get(gw, "/dashboard/models")).text;
    assert.match(models, /<code>m1<\/code>[\s\S]*\$1,000/);
  });
});

Deno.test("dashboard: no page and no JSON answer holds a secret, masked or in full", async () => {
  await withGateway(async (gw) => {
    await chat(gw, SECRETS.alice, "m1");
    await chat(gw, SECRETS.bob, "m1");
    await gw.recorded(2);
    await gw.ledger.flush();
    for (const path of [...PAGES, ...APIS, "/dashboard/login"]) {
      const { text } = await get(gw, path);
      for (const [name, secret] of Object.entries(SECRETS)) {
        assert.ok(!text.includes(secret), `${path} shows the ${name} secret`);
        // Not even most of it: a 12-character run of any secret is a leak.
        assert.ok(!text.includes(secret.slice(4, 16)), `${path} shows part of ${name}`);
      }
    }
  });
});

/** The `<input>` with this id, as the page renders it ("" when there is none). */
function inputOf(html: string, id: string): string {
  return html.match(new RegExp(`<input id="${id}"[^>]*>`))?.[0] ?? "";
}

Deno.test("dashboard: the Keys page edits, disables and enables a stored key, never a file key", async () => {
  await withGateway(async (gw) => {
    const made = await fetch(`${gw.url}/admin/keys`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({
        name: "stored",
        channels: ["up"],
        models: ["m1", "m2*"],
        limits: { requests: 20, cost: 1.5, reset: "0 * * * *", timezone: "Asia/Shanghai" },
        expires: "2031-05-06T07:08:09Z",
      }),
    });
    assert.equal(made.status, 201);
    const { key } = await made.json();

    // Rows: the stored key has edit, disable and revoke; the file's keys none of them.
    const list = (await get(gw, "/dashboard/keys")).text;
    assert.match(list, /<a class="button small" href="\/dashboard\/keys\?edit=stored#key-form">/);
    assert.match(list, /action="\/admin\/keys\/stored\/disable"[^>]* data-method="POST"/);
    assert.match(list, /action="\/admin\/keys\/stored"[^>]* data-method="DELETE"/);
    for (const file of ["alice", "bob"]) {
      assert.doesNotMatch(list, new RegExp(`edit=${file}|/admin/keys/${file}`));
    }
    // Without ?edit= the form creates a key.
    assert.match(list, /<form method="post" action="\/admin\/keys" [^>]*data-method="POST"/);
    assert.doesNotMatch(list, /data-method="PUT"/);

    // ?edit= a file key: no edit form, the create form as without it.
    const file = (await get(gw, "/dashboard/keys?edit=alice")).text;
    assert.doesNotMatch(file, /Edit: alice|data-method="PUT"/);
    assert.match(file, /<h2 id="key-form-title">Create a key<\/h2>/);
    assert.equal(inputOf(file, "key-name").includes("value="), false);

    // ?edit= the stored key: the whole key, sent back whole (PUT), the name not editable.
    const { res, text } = await get(gw, "/dashboard/keys?edit=stored");
    assert.equal(res.status, 200);
    assert.match(text, /<h2 id="key-form-title">Edit: stored<\/h2>/);
    assert.match(
      text,
      /<form method="post" action="\/admin\/keys\/stored" [^>]*data-method="PUT" [^>]*data-then="reload">/,
    );
    assert.match(inputOf(text, "key-name"), /value="stored"[^>]* readonly/);
    assert.match(inputOf(text, "key-channels"), /value="up"/);
    assert.match(inputOf(text, "key-models"), /value="m1, m2\*"/);
    assert.match(inputOf(text, "key-requests"), /value="20"/);
    assert.doesNotMatch(inputOf(text, "key-tokens"), /value=/);
    assert.match(inputOf(text, "key-cost"), /value="1.5"/);
    assert.match(inputOf(text, "key-reset"), /value="0 \* \* \* \*"/);
    assert.match(inputOf(text, "key-timezone"), /value="Asia\/Shanghai"/);
    // A timestamp a date picker would drop is kept whole, as text.
    assert.match(inputOf(text, "key-expires"), /type="text" value="2031-05-06T07:08:09.000Z"/);
    assert.match(inputOf(text, "key-enabled"), / checked/);
    assert.doesNotMatch(text, /secret-once/);
    for (const id of text.matchAll(/<(?:input|select|textarea)[^>]* id="([^"]+)"/g)) {
      assert.match(text, new RegExp(`<label for="${id[1]}">`), `#${id[1]}`);
    }
    // Never the key, nor a part of it: its hint at most.
    assert.ok(!text.includes(key.slice(10, 22)), "the edit page shows the key");

    // Disabled, the row offers Enable and says so; the form's box is unticked.
    const off = await fetch(`${gw.url}/admin/keys/stored/disable`, {
      method: "POST",
      headers: admin,
    });
    assert.equal(off.status, 200);
    const disabled = (await get(gw, "/dashboard/keys?edit=stored")).text;
    assert.match(disabled, /action="\/admin\/keys\/stored\/enable"/);
    assert.match(disabled, /<span class="badge state-disabled">Disabled<\/span>/);
    assert.doesNotMatch(inputOf(disabled, "key-enabled"), / checked/);
    // A date-only expiry is a date picker's value.
    const put = await fetch(`${gw.url}/admin/keys/stored`, {
      method: "PUT",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ expires: "2030-01-02" }),
    });
    assert.equal(put.status, 200);
    const dated = (await get(gw, "/dashboard/keys?edit=stored")).text;
    assert.match(inputOf(dated, "key-expires"), /type="date" value="2030-01-02"/);
    // PUT replaced the key: what it did not send is gone, and `enabled` is true by default.
    assert.doesNotMatch(inputOf(dated, "key-models"), /value=/);
    assert.match(inputOf(dated, "key-enabled"), / checked/);

    const zh = await get(gw, "/dashboard/keys?edit=stored", { ...admin, cookie: "sluice_lang=zh" });
    assert.match(zh.text, /<h2 id="key-form-title">编辑: stored<\/h2>/);
    assert.match(zh.text, />编辑<\/a>/);
    assert.match(zh.text, />停用<\/button>/);
  });
});

Deno.test("dashboard: the language toggle is remembered and sets lang", async () => {
  await withGateway(async (gw) => {
    const toggle = await get(gw, "/dashboard/lang?to=zh&back=%2Fdashboard%2Fkeys");
    assert.equal(toggle.res.status, 303);
    assert.equal(toggle.res.headers.get("location"), "/dashboard/keys");
    const cookie = toggle.res.headers.get("set-cookie")!;
    assert.match(cookie, /^sluice_lang=zh;/);
    assert.match(cookie, /HttpOnly/);
    const zh = await get(gw, "/dashboard/keys", { ...admin, cookie: "sluice_lang=zh" });
    assert.match(zh.text, /<html lang="zh-CN">/);
    assert.match(zh.text, /网关密钥/);
    // Without a cookie, the browser's language decides.
    const fromBrowser = await get(gw, "/dashboard/login", { "accept-language": "zh-CN,zh;q=0.9" });
    assert.match(fromBrowser.text, /<html lang="zh-CN">/);
  });
});

Deno.test("dashboard: assets are served by Sluice, immutable by hashed name, ETag by plain name", async () => {
  await withGateway(async (gw) => {
    const page = (await get(gw, "/dashboard")).text;
    const hrefs = [...page.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) =>
      m[1]
    );
    assert.deepEqual(
      hrefs.map((h) => h.replace(/\.[0-9a-f]{10}\./, ".")).sort(),
      [
        "/dashboard/assets/app.css",
        "/dashboard/assets/app.js",
        "/dashboard/assets/icon.svg",
        "/dashboard/assets/uPlot.iife.min.js",
        "/dashboard/assets/uPlot.min.css",
      ],
    );
    for (const href of hrefs) {
      const { res, text } = await get(gw, href, {});
      assert.equal(res.status, 200, href);
      assert.match(res.headers.get("cache-control")!, /immutable/);
      assert.ok(text.length > 0);
    }
    const plain = await get(gw, "/dashboard/assets/uPlot.iife.min.js", {});
    assert.equal(plain.res.headers.get("cache-control"), "no-cache");
    assert.match(plain.text, /^\/\*! https:\/\/github.com\/leeoniya\/uPlot \(v1\.6\.\d+\) \*\//);
    const again = await get(gw, "/dashboard/assets/uPlot.iife.min.js", {
      "if-none-match": plain.res.headers.get("etag")!,
    });
    assert.equal(again.res.status, 304);
    assert.equal((await get(gw, "/dashboard/assets/uPlot.LICENSE", {})).res.status, 200);
    assert.equal((await get(gw, "/dashboard/assets/..%2Fguard.ts", {})).res.status, 404);
  });
});

Deno.test("dashboard: an open WebSocket session is listed until it closes, then in the recent list", async () => {
  const upstream = startWsUpstream();
  const gw = await startGateway(`
admin: { key: "${ADMIN}" }
channels:
  - { name: rt, plugin: openai, base_url: "${
    upstream.url.replace("ws:", "http:")
  }/v1", keys: [k], models: [gpt-realtime] }
keys:
  - { name: carol, key: ${SECRETS.alice} }
`);
  try {
    const url = `${gw.url.replace("http:", "ws:")}/v1/realtime?model=gpt-realtime`;
    // Deno's WebSocket takes headers, as a server-side client would send them.
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${SECRETS.alice}` } });
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const open = (await get(gw, "/dashboard/sessions")).text;
    assert.match(open, /data-bind="open">1</);
    assert.match(open, /<td>carol<\/td>\s*<td>rt<\/td>\s*<td><code>gpt-realtime<\/code>/);
    const closed = new Promise((resolve) => socket.onclose = resolve);
    socket.close(1000, "bye");
    await closed;
    await gw.recorded(2); // the first page view, then the session
    await gw.ledger.flush();
    const after = (await get(gw, "/dashboard/sessions")).text;
    assert.match(after, /data-bind="open">0</);
    assert.match(after, /<td>carol<\/td>[\s\S]*<td>client<\/td>\s*<td class="num">1000/);
  } finally {
    await gw.close();
    await upstream.close();
  }
});
