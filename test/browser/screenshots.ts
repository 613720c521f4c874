/**
 * Screenshots of every dashboard page for `docs/screenshots/`, taken in headless Chromium from a
 * gateway with some traffic: `deno task screenshots`. Desktop (1280 px) and phone (390 px) in
 * English, the Overview in Chinese too (Chinese text needs a CJK font, e.g. Debian's
 * `fonts-noto-cjk`).
 */
import { chatCompletion, startGateway, startUpstream } from "../_harness.ts";
import { browserMissing, logIn, openBrowser } from "./_browser.ts";

const OUT = new URL("../../docs/screenshots/", import.meta.url);
const ADMIN = "screenshot-admin-key-0123456789";
const KEYS = { alice: "sk-alice-shots-0123456789abcdef", bob: "sk-bob-shots-0123456789abcdef" };

const PAGES: [string, string][] = [
  ["overview", "/dashboard"],
  ["channels", "/dashboard/channels"],
  ["keys", "/dashboard/keys"],
  ["models", "/dashboard/models"],
  ["requests", "/dashboard/requests"],
  ["sessions", "/dashboard/sessions"],
  ["settings", "/dashboard/settings"],
];

async function traffic(url: string): Promise<void> {
  const models = ["gpt-4o", "gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "missing-model"];
  for (let i = 0; i < 24; i++) {
    const key = i % 3 === 0 ? KEYS.bob : KEYS.alice;
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: models[i % models.length],
        messages: [{ role: "user", content: "Say something short. ".repeat(1 + (i % 4)) }],
      }),
    });
    await res.body?.cancel();
  }
}

async function main(): Promise<void> {
  if (browserMissing) Deno.exit(1);
  let calls = 0;
  const upstream = startUpstream(async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 40 + (calls % 5) * 30));
    return Response.json(chatCompletion("Hello!", "gpt-4o", { p: 40 + calls, c: 12 + calls }));
  });
  const gw = await startGateway(`
admin: { key: "${ADMIN}" }
secret: "screenshot-sealing-secret-0123456"
routing: { aliases: { gpt-4: gpt-4o } }
channels:
  - name: openai
    plugin: openai
    base_url: "${upstream.url}/v1"
    keys: ["sk-real-openai-0123456789abcdef"]
    models: [gpt-4o, gpt-4o-mini]
    limits: { requests: 1000, tokens: 200000, reset: "0 0 * * *" }
  - name: claude
    plugin: openai
    base_url: "${upstream.url}/v1"
    keys: ["sk-real-claude-0123456789abcdef"]
    models: [claude-sonnet-4-5]
    price: { input: 3, output: 15 }
  - name: deepseek
    plugin: deepseek
    keys: ["\${DEEPSEEK_API_KEY}"]
    models: [deepseek-chat]
  - name: echo
    plugin: echo
    models: [echo]
keys:
  - name: alice
    key: "${KEYS.alice}"
    limits: { requests: 500, tokens: 100000 }
  - name: bob
    key: "${KEYS.bob}"
    models: ["gpt-*", "claude-*"]
    expires: 2027-06-30
`);
  try {
    await traffic(gw.url);
    await gw.ledger.flush();
    // A key made through the admin API: the Keys page shows what can be done with one.
    const made = await fetch(`${gw.url}/admin/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "ci-pipeline",
        models: ["gpt-4o-mini"],
        limits: { requests: 200, cost: 5 },
        expires: "2027-03-31",
      }),
    });
    await made.body?.cancel();
    await Deno.mkdir(OUT, { recursive: true });
    for (
      const { width, height, suffix } of [
        { width: 1280, height: 900, suffix: "" },
        { width: 390, height: 844, suffix: "-phone" },
      ]
    ) {
      const browser = await openBrowser({ width, height });
      try {
        await logIn(browser.page, gw.url, ADMIN);
        for (const [name, path] of PAGES) {
          await browser.page.goto(gw.url + path);
          await browser.page.waitForLoadState("networkidle");
          const file = new URL(`${name}${suffix}.png`, OUT);
          await browser.page.screenshot({ path: file.pathname, fullPage: true });
        }
        if (!suffix) {
          await browser.page.goto(`${gw.url}/dashboard/lang?to=zh&back=%2Fdashboard`);
          await browser.page.waitForLoadState("networkidle");
          const file = new URL("overview-zh.png", OUT);
          await browser.page.screenshot({ path: file.pathname, fullPage: true });
        }
      } finally {
        await browser.close();
      }
    }
    console.log(`screenshots written to ${OUT.pathname}`);
  } finally {
    await gw.close();
    await upstream.close();
  }
}

if (import.meta.main) await main();
