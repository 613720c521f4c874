/**
 * The effective config as the Settings page shows it: a deep copy in which every secret is
 * replaced by a mask. Secrets are found by their field's name (`key`, `keys`, `secret`,
 * `secret_previous`, `token`, a header such as `X-Api-Key`...) and by what a value looks like
 * (`Bearer …`, `sk-…`, `sha256:…`), at any depth, so a secret in a field added later is masked
 * by default rather than shown; URLs lose their user info and credential-like query parameters.
 */
import type { Config } from "../config/schema.ts";

/**
 * What a masked secret reads as; an empty one stays empty so "not set" is still visible. With
 * `hint`, a long key keeps its last four characters so keys can be told apart (as listings of
 * upstream keys do); short ones give nothing away.
 */
export function maskSecret(value: string, hint = true): string {
  if (value === "") return "";
  return hint && value.length >= 20 && !value.startsWith("sha256:")
    ? `••••${value.slice(-4)}`
    : "••••";
}

/** Names of fields or headers that hold credentials. */
const SECRET_NAME =
  /(^|[-_.])(auth|authorization|api[-_]?key|key|keys|token|secret|password|passwd|cookie|credential|signature|private)s?($|[-_.])/i;

/** Values that are credentials whatever their field is called. */
const SECRET_VALUE = /^(bearer|basic|token)\s+\S|^(sk|pk|rk|ak|key)[-_][A-Za-z0-9_-]{8,}|^sha256:/i;

/** Top-level sections whose secrets are masked whole: the gateway's own keys. */
const NO_HINT = new Set(["admin", "metrics", "secret", "secret_previous"]);

export function looksSecret(name: string, value: string): boolean {
  return SECRET_NAME.test(name) || SECRET_VALUE.test(value.trim());
}

/** A copy of `config` safe to show: every secret masked, everything else as it runs. */
export function maskedConfig(config: Config): unknown {
  return Object.fromEntries(
    Object.entries(config).map((
      [name, value],
    ) => [name, maskTree(value, name, !NO_HINT.has(name))]),
  );
}

/** Masks, at any depth, strings whose field name or value looks like a credential. */
export function maskTree(value: unknown, name: string, hint = true): unknown {
  if (typeof value === "string") {
    if (looksSecret(name, value)) return maskSecret(value, hint);
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUrl(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => maskTree(v, name, hint));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskTree(v, k, hint)]),
    );
  }
  return value;
}

function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (url.username) url.username = "••••";
  if (url.password) url.password = "••••";
  for (const [k, v] of [...url.searchParams]) {
    if (looksSecret(k, v)) url.searchParams.set(k, "••••");
  }
  return url.href;
}
