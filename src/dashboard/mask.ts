/**
 * The effective config as the Settings page shows it: a deep copy in which every secret is
 * replaced by a mask. Secrets are found by where they sit (admin and metrics keys, `secret`,
 * channel and gateway keys) and by what they look like (header values and plugin options whose
 * name or value reads as a credential), so a secret in a new field is masked by default.
 */
import type { Config } from "../config/schema.ts";

/** What a masked secret reads as; an empty one stays empty so "not set" is still visible. */
export function maskSecret(value: string): string {
  if (value === "") return "";
  // The last four characters of a long key help tell keys apart; short ones give nothing away.
  return value.length >= 20 && !value.startsWith("sha256:") ? `••••${value.slice(-4)}` : "••••";
}

/** Names of fields or headers that hold credentials. */
const SECRET_NAME =
  /(^|[-_.])(auth|authorization|api[-_]?key|key|keys|token|secret|password|passwd|cookie|credential|signature|private)s?($|[-_.])/i;

/** Values that are credentials whatever their field is called. */
const SECRET_VALUE = /^(bearer|basic|token)\s+\S|^(sk|pk|rk|ak|key)[-_][A-Za-z0-9_-]{8,}|^sha256:/i;

export function looksSecret(name: string, value: string): boolean {
  return SECRET_NAME.test(name) || SECRET_VALUE.test(value.trim());
}

/** A copy of `config` safe to show: every secret masked, everything else as it runs. */
export function maskedConfig(config: Config): unknown {
  return {
    ...config,
    admin: { ...config.admin, key: maskSecret(config.admin.key) },
    metrics: { ...config.metrics, key: maskSecret(config.metrics.key) },
    secret: maskSecret(config.secret),
    channels: config.channels.map((ch) => ({
      ...ch,
      keys: ch.keys.map(maskSecret),
      headers: maskTree(ch.headers, ""),
      options: maskTree(ch.options, ""),
    })),
    keys: config.keys.map((k) => ({ ...k, key: maskSecret(k.key) })),
  };
}

/**
 * Masks, at any depth, strings whose field name or value looks like a credential; URLs lose
 * their user info and credential-like query parameters.
 */
export function maskTree(value: unknown, name: string): unknown {
  if (typeof value === "string") {
    if (looksSecret(name, value)) return maskSecret(value);
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUrl(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => maskTree(v, name));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskTree(v, k)]),
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
