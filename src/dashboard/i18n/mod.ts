/**
 * Which language a dashboard request is answered in, and the strings and number formats of it.
 * The choice is a cookie (set by the toggle, so it is remembered without JavaScript), else the
 * browser's `Accept-Language`, else English.
 */
import { en, type MessageKey } from "./en.ts";
import { zh } from "./zh.ts";

export type Lang = "en" | "zh";
export type { MessageKey };

export const LANG_COOKIE = "sluice_lang";

const TABLES: Record<Lang, Record<MessageKey, string>> = { en, zh };

/** The value of the `lang` attribute for each language (BCP 47). */
export const HTML_LANG: Record<Lang, string> = { en: "en", zh: "zh-CN" };

export function isLang(value: string | undefined): value is Lang {
  return value === "en" || value === "zh";
}

/** The language for a request: the cookie's, else the first of `Accept-Language` we speak. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(cookie)) return cookie;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0].trim().toLowerCase();
    if (tag.startsWith("zh")) return "zh";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}

/** Strings and formats of one language, built once per language and shared by every request. */
export interface Locale {
  lang: Lang;
  t(key: MessageKey): string;
  /** An integer or a figure with up to `digits` decimals, grouped as the language groups them. */
  num(value: number, digits?: number): string;
  /** USD, with more decimals for small amounts (a cent is a lot of tokens). */
  usd(value: number): string;
  /** Milliseconds, rounded as precision means something. */
  ms(value: number | null | undefined): string;
  /** Epoch ms as `YYYY-MM-DD HH:MM:SS` UTC. */
  time(epochMs: number): string;
}

const LOCALES = new Map<Lang, Locale>();

export function locale(lang: Lang): Locale {
  let found = LOCALES.get(lang);
  if (!found) LOCALES.set(lang, found = build(lang));
  return found;
}

function build(lang: Lang): Locale {
  const table = TABLES[lang];
  const tag = lang === "zh" ? "zh-CN" : "en-US";
  const formats = new Map<number, Intl.NumberFormat>();
  const format = (digits: number) => {
    let f = formats.get(digits);
    if (!f) formats.set(digits, f = new Intl.NumberFormat(tag, { maximumFractionDigits: digits }));
    return f;
  };
  return {
    lang,
    t: (key) => table[key],
    num: (value, digits = 0) => format(digits).format(value),
    usd: (value) => `$${format(value !== 0 && Math.abs(value) < 1 ? 6 : 2).format(value)}`,
    ms: (value) => {
      if (value === null || value === undefined || !Number.isFinite(value)) return "–";
      return `${format(value < 10 ? 2 : value < 100 ? 1 : 0).format(value)} ms`;
    },
    time: (epochMs) => new Date(epochMs).toISOString().slice(0, 19).replace("T", " "),
  };
}
