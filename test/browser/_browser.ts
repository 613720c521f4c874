/**
 * Headless Chromium for the dashboard's browser tests: Debian's `/usr/bin/chromium` driven by
 * `npm:playwright-core` (which never downloads a browser of its own), in a fresh profile folder
 * removed afterwards. Where Chromium is not installed the tests are skipped, said in one line.
 */
import fs from "node:fs";
import type { BrowserContext, Page } from "playwright-core";

export const CHROMIUM = Deno.env.get("SLUICE_CHROMIUM") ?? "/usr/bin/chromium";

function installed(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** Whether browser tests can run here; says once, in one line, why not. */
export const browserMissing: boolean = !installed();
if (browserMissing) {
  console.log(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors, and CSP violations: a clean page has none. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * playwright-core asks at load whether it runs under WSL by probing `/proc/sys/fs/binfmt_misc`,
 * a path Deno lets no one read short of `--allow-all`; the probe then throws instead of saying
 * "no". The test task grants named permissions only, so the probe's "cannot tell" becomes "no".
 */
async function loadPlaywright(): Promise<typeof import("playwright-core")> {
  const existsSync = fs.existsSync;
  fs.existsSync = (path) => {
    try {
      return existsSync(path);
    } catch {
      return false;
    }
  };
  try {
    return await import("playwright-core");
  } finally {
    fs.existsSync = existsSync;
  }
}

/** A fresh browser profile with one page, `width`×`height` CSS pixels. */
export async function openBrowser(
  options: { width?: number; height?: number; locale?: string } = {},
): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "sluice-chromium-" });
  const { chromium } = await loadPlaywright();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: options.locale ?? "en-US",
    timezoneId: "UTC",
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Signs in through the login form, as a person would. */
export async function logIn(page: Page, base: string, adminKey: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel(/Admin key|管理密钥/).fill(adminKey);
  await Promise.all([
    page.waitForURL((url) => url.pathname === "/dashboard"),
    page.getByRole("button", { name: /Sign in|登录/ }).click(),
  ]);
}

/**
 * Evaluates `expression` in the page. A string, because the test program is type-checked
 * without the DOM library: the code runs in Chromium, not in Deno.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** How far the page is wider than its viewport (0 when nothing scrolls sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return inPage(
    page,
    "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - innerWidth",
  );
}
