/**
 * The dashboard in headless Chromium, used as a person would: log in through the form, watch
 * real traffic reach the figures and the uPlot charts (and refresh in place), create a key, use
 * it, revoke it; edit a key's models, disable and enable it; add a channel and route to it;
 * switch language; read every page on a phone.
 * Every page must run without a console error: a CSP violation is one.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chatCompletion, startGateway, startUpstream, type Upstream } from "../_harness.ts";
import type { TestGateway } from "../_harness.ts";
import { browserMissing, horizontalOverflow, inPage, logIn, openBrowser } from "./_browser.ts";

const ADMIN = "admin-key-browser-0123456789";
const ALICE = "sk-alice-browser-0123456789abcdef";
const UPSTREAM_KEY = "sk-upstream-browser-0123456789";

export const PAGES = [
  "/dashboard",
  "/dashboard/channels",
  "/dashboard/keys",
  "/dashboard/models",
  "/dashboard/requests",
  "/dashboard/sessions",
  "/dashboard/settings",
];

interface Rig {
  gw: TestGateway;
  upstream: Upstream;
  page: Page;
  errors: string[];
}

/** A gateway with one upstream, a browser on a fresh profile, and cleanup. */
async function withRig(
  run: (rig: Rig) => Promise<void>,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<void> {
  const upstream = startUpstream(() =>
    Response.json(chatCompletion("hello from upstream", "m1", { p: 12, c: 8 }))
  );
  const gw = await startGateway(`
admin: { key: "${ADMIN}" }
secret: "browser-test-sealing-secret-0123"
channels:
  - { name: up, plugin: openai, base_url: "${upstream.url}/v1", keys: ["${UPSTREAM_KEY}"], models: [m1, m1-mini], price: { input: 1000, output: 1000 }, limits: { requests: 1000 } }
keys:
  - { name: alice, key: "${ALICE}" }
`);
  const browser = await openBrowser(viewport);
  // Deletes and revokes ask first; the person says yes.
  browser.page.on("dialog", (dialog) => void dialog.accept());
  try {
    await run({ gw, upstream, page: browser.page, errors: browser.errors });
    assert.deepEqual(browser.errors, [], "the pages logged errors");
  } finally {
    await browser.close();
    await gw.close();
    await upstream.close();
  }
}

async function chat(gw: TestGateway, key: string, model = "m1"): Promise<Response> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
  await res.body?.cancel();
  return res;
}

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({
    name,
    ignore: browserMissing,
    // Chromium's pipes and timers belong to playwright, closed with the browser.
    sanitizeOps: false,
    sanitizeResources: false,
    fn,
  });

browserTest("browser: log in, and the charts draw the traffic that was sent", async () => {
  await withRig(async ({ gw, page }) => {
    for (let i = 0; i < 3; i++) assert.equal((await chat(gw, ALICE)).status, 200);
    await gw.recorded(3);
    await gw.ledger.flush();

    await page.goto(`${gw.url}/dashboard/keys`);
    assert.equal(new URL(page.url()).pathname, "/dashboard/login");
    await logIn(page, gw.url, ADMIN);
    assert.equal(await page.locator('[data-bind="requests"]').textContent(), "3");
    assert.equal(await page.locator('[data-bind="tokens"]').textContent(), "60");
    assert.equal(await page.locator('[data-bind="cost"]').textContent(), "$0.06");
    // Six uPlot charts, each with a drawn canvas, holding the same data as the figures.
    await page.locator(".chart canvas").nth(5).waitFor();
    const sizes = await inPage<number[]>(
      page,
      `[...document.querySelectorAll(".chart canvas")].map((c) => c.width)`,
    );
    assert.equal(sizes.length, 6);
    assert.ok(sizes.every((w) => w > 100), `canvas widths ${sizes}`);
    const plotted = await inPage<number>(
      page,
      `JSON.parse(document.querySelector(".charts").dataset.columns).requests
        .reduce((a, b) => a + b, 0)`,
    );
    assert.equal(plotted, 3);

    // Two more requests: the figures follow without a reload (the live region updates).
    for (let i = 0; i < 2; i++) assert.equal((await chat(gw, ALICE)).status, 200);
    await gw.recorded(5);
    await gw.ledger.flush();
    const marker = await inPage<string>(page, `document.body.dataset.marker = "same page"`);
    await page.locator('[data-bind="requests"]', { hasText: /^5$/ }).waitFor({ timeout: 9_000 });
    assert.equal(await inPage(page, "document.body.dataset.marker"), marker);
  });
});

browserTest("browser: create a key, use it, see its usage, revoke it and get 401", async () => {
  await withRig(async ({ gw, page }) => {
    await logIn(page, gw.url, ADMIN);
    await page.goto(`${gw.url}/dashboard/keys`);
    await page.getByLabel("Name", { exact: true }).fill("ci-key");
    await page.getByLabel("Requests per period").fill("10");
    await page.getByRole("button", { name: "Create a key" }).click();
    const shown = page.locator(".secret-once output");
    await shown.filter({ hasText: /^sk-/ }).waitFor();
    const key = (await shown.textContent())!;

    assert.equal((await chat(gw, key)).status, 200);
    assert.equal((await chat(gw, key)).status, 200);
    await gw.ledger.flush();
    await page.reload();
    // Shown once: the page never holds the key again.
    assert.ok(!(await page.content()).includes(key));
    const row = page.locator("tr", { has: page.locator(".name", { hasText: /^ci-key$/ }) });
    assert.equal(await row.locator('[data-bind="key:ci-key:requests"]').textContent(), "2");
    assert.match((await row.locator(".quota").textContent())!, /8 \/ 10/);

    await Promise.all([
      page.waitForEvent("load"),
      row.getByRole("button", { name: "Revoke" }).click(),
    ]);
    assert.equal(await page.locator(".name", { hasText: /^ci-key$/ }).count(), 0);
    assert.equal((await chat(gw, key)).status, 401);
  });
});

browserTest("browser: edit a key's models, disable it (401) and enable it again", async () => {
  await withRig(async ({ gw, page, errors }) => {
    await logIn(page, gw.url, ADMIN);
    await page.goto(`${gw.url}/dashboard/keys`);
    await page.getByLabel("Name", { exact: true }).fill("edit-me");
    await page.getByRole("button", { name: "Create a key" }).click();
    const shown = page.locator(".secret-once output");
    await shown.filter({ hasText: /^sk-/ }).waitFor();
    const key = (await shown.textContent())!;
    assert.equal((await chat(gw, key, "m1")).status, 200);
    assert.equal((await chat(gw, key, "m1-mini")).status, 200);

    await page.reload();
    const row = page.locator("tr", { has: page.locator(".name", { hasText: /^edit-me$/ }) });
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("edit") === "edit-me"),
      row.getByRole("link", { name: "Edit" }).click(),
    ]);
    const form = page.getByRole("form", { name: "Edit: edit-me" });
    assert.equal(await form.getByLabel("Name", { exact: true }).inputValue(), "edit-me");
    assert.equal(await form.getByLabel("Name", { exact: true }).isEditable(), false);
    assert.ok(!(await page.content()).includes(key), "the edit page shows the key");

    // Bad input: the API's message beside the form, and nothing changed.
    await form.getByLabel("Channels").fill("nowhere");
    await form.getByRole("button", { name: "Save" }).click();
    await form.locator(".status.bad", { hasText: 'Unknown channel "nowhere"' }).waitFor();
    // Chromium logs the refused save as a failed load: that one is expected, no other is.
    const refused = errors.findIndex((e) => /status of 400 \(Bad Request\)/.test(e));
    assert.notEqual(refused, -1);
    errors.splice(refused, 1);
    assert.equal((await chat(gw, key, "m1-mini")).status, 200);

    // Only m1 now: another model is refused, m1 still served.
    await form.getByLabel("Channels").fill("");
    await form.getByLabel("Models").fill("m1");
    await Promise.all([
      page.waitForEvent("load"),
      form.getByRole("button", { name: "Save" }).click(),
    ]);
    assert.match((await row.locator(".hint").first().textContent())!, /Models: m1$/);
    assert.equal(await form.getByLabel("Models").inputValue(), "m1");
    assert.equal((await chat(gw, key, "m1-mini")).status, 403);
    assert.equal((await chat(gw, key, "m1")).status, 200);

    // Disable from the keyboard: refused from the next request on.
    await row.getByRole("button", { name: "Disable" }).focus();
    await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
    await row.locator(".badge", { hasText: "Disabled" }).waitFor();
    assert.equal(await form.getByLabel("Enabled").isChecked(), false);
    assert.equal((await chat(gw, key, "m1")).status, 401);

    await Promise.all([
      page.waitForEvent("load"),
      row.getByRole("button", { name: "Enable" }).click(),
    ]);
    assert.equal(await row.locator(".badge").count(), 0);
    assert.equal((await chat(gw, key, "m1")).status, 200);
    assert.equal((await chat(gw, key, "m1-mini")).status, 403);
  });
});

browserTest("browser: add a channel from the UI and route a request to it", async () => {
  await withRig(async ({ gw, page }) => {
    const other = startUpstream(() => Response.json(chatCompletion("from the new channel", "m2")));
    try {
      await logIn(page, gw.url, ADMIN);
      await page.goto(`${gw.url}/dashboard/channels`);
      await page.getByLabel("Name", { exact: true }).fill("added");
      await page.getByLabel("Plugin").selectOption("openai");
      await page.getByLabel("Base URL").fill(`${other.url}/v1`);
      await page.getByLabel("Models").fill("m2");
      await page.getByLabel("Upstream keys").fill("sk-added-upstream-0123456789");
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Save" }).click(),
      ]);
      const row = page.locator("tr", { has: page.locator(".name", { hasText: /^added$/ }) });
      await row.waitFor();
      assert.ok(!(await page.content()).includes("sk-added-upstream-0123456789"));

      assert.equal((await chat(gw, ALICE, "m2")).status, 200);
      assert.equal(other.received.length, 1);
      assert.equal(
        other.received[0].headers.get("authorization"),
        "Bearer sk-added-upstream-0123456789",
      );
      // And the new channel's test button answers from its upstream.
      await row.getByRole("button", { name: "Test" }).click();
      await row.locator(".status", { hasText: /OK/ }).waitFor();
    } finally {
      await other.close();
    }
  });
});

browserTest("browser: the language switch changes every page and is remembered", async () => {
  await withRig(async ({ gw, page }) => {
    await logIn(page, gw.url, ADMIN);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await page.getByRole("link", { name: /中文/ }).click();
    await page.waitForURL((url) => url.pathname === "/dashboard");
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal(await page.locator("h1").textContent(), "概览");
    await page.getByRole("link", { name: "渠道" }).click();
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal(await page.locator("h1").textContent(), "渠道");
    await page.getByRole("link", { name: /English/ }).click();
    await page.waitForURL((url) => url.pathname === "/dashboard/channels");
    assert.equal(await page.locator("h1").textContent(), "Channels");
  });
});

browserTest(
  "browser: on a 390×844 phone no page scrolls sideways; the keyboard reaches content",
  async () => {
    await withRig(async ({ gw, page }) => {
      assert.equal((await chat(gw, ALICE)).status, 200);
      await gw.ledger.flush();
      // A stored key, so its edit form is read at this width too.
      const made = await fetch(`${gw.url}/admin/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "phone", models: ["m1"], limits: { requests: 5 } }),
      });
      assert.equal(made.status, 201);
      await made.body?.cancel();
      await logIn(page, gw.url, ADMIN);
      for (const path of [...PAGES, "/dashboard/keys?edit=phone", "/dashboard/login"]) {
        await page.goto(gw.url + path);
        assert.equal(await horizontalOverflow(page), 0, `${path} overflows`);
      }
      // The first Tab lands on the skip link, which takes focus to the content.
      await page.goto(`${gw.url}/dashboard/channels`);
      await page.keyboard.press("Tab");
      assert.equal(await inPage(page, "document.activeElement.textContent"), "Skip to content");
      await page.keyboard.press("Enter");
      assert.equal(await inPage(page, "document.activeElement.id"), "main");
    }, { width: 390, height: 844 });
  },
);
