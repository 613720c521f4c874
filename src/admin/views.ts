/**
 * Channels and gateway keys as the admin API and the dashboard show them: every field a file
 * entry can have, where it comes from (`file` or `kv`), whether it runs and why not, and never a
 * secret: upstream keys and credential headers are masked (`sk-…abcd`, `redact` of the key
 * ring), gateway keys are shown by their hint. Durations are written as the config takes them
 * (`"60s"`), so a view sent back as an update means the same thing.
 */
import { keyDigest, redact } from "../auth/key_ring.ts";
import type { ChannelConfig, GatewayKeyConfig } from "../config/schema.ts";
import type { Gateway } from "../gateway/build.ts";
import { isSecretHeader } from "./stored_channels.ts";

/** Where an entry is defined: the config file (read-only here) or KV (the admin API). */
export type Source = "file" | "kv";

/** Whether an entry is in use, and if not, why. */
export interface EntryState {
  /** `active`; `disabled`; `skipped` (a channel without keys); `expired` (a key);
   * `invalid` or `shadowed` (a KV entry left out of the running gateway). */
  state: "active" | "disabled" | "skipped" | "expired" | "invalid" | "shadowed";
  reason: string | null;
}

/** A channel, masked. */
export type ChannelView =
  & Omit<
    ChannelConfig,
    "keys" | "base_url" | "timeout" | "stream_timeout" | "stream_idle_timeout"
  >
  & EntryState
  & {
    source: Source;
    base_url: string | null;
    /** Masked upstream keys. */
    keys: string[];
    timeout: string | null;
    stream_timeout: string | null;
    stream_idle_timeout: string | null;
    created_at: string | null;
    updated_at: string | null;
  };

/** A gateway key, masked. */
export type KeyView = Omit<GatewayKeyConfig, "key" | "expires"> & EntryState & {
  source: Source;
  /** The key's hint (`sk-…abcd`), or for a file's `sha256:` entry its digest's tail. */
  key: string;
  expires: string | null;
  created_at: string | null;
  updated_at: string | null;
};

/** Milliseconds as the config writes them: `"60s"`, or `"250ms"` when not whole seconds. */
export function formatDuration(ms: number | undefined): string | null {
  if (ms === undefined) return null;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The view of `channel`. `keyHints`/`headerHints` stand in for secrets not opened. */
export function channelView(
  channel: ChannelConfig,
  meta: EntryState & {
    source: Source;
    keyHints?: string[];
    headerHints?: Record<string, string>;
    created_at?: string;
    updated_at?: string;
  },
): ChannelView {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(channel.headers)) {
    headers[name] = isSecretHeader(name) ? redact(value) : value;
  }
  Object.assign(headers, meta.headerHints ?? {});
  return {
    ...channel,
    source: meta.source,
    state: meta.state,
    reason: meta.reason,
    base_url: channel.base_url ? maskUserinfo(channel.base_url) : null,
    keys: meta.keyHints ?? channel.keys.filter((k) => k.trim() !== "").map(redact),
    headers,
    timeout: formatDuration(channel.timeout),
    stream_timeout: formatDuration(channel.stream_timeout),
    stream_idle_timeout: formatDuration(channel.stream_idle_timeout),
    created_at: meta.created_at ?? null,
    updated_at: meta.updated_at ?? null,
  };
}

/** Whether `name` runs in `gateway`, is disabled, or was skipped (and why). */
export function channelState(gateway: Gateway, name: string): EntryState {
  if (gateway.channelsByName.has(name)) return { state: "active", reason: null };
  const skipped = gateway.skipped.find((s) => s.name === name);
  if (skipped?.reason === "disabled") return { state: "disabled", reason: null };
  if (skipped) return { state: "skipped", reason: skipped.reason };
  return { state: "invalid", reason: "not in the running gateway" };
}

/** The view of `key`; `hint` stands for a stored key's value. */
export function keyView(
  key: GatewayKeyConfig,
  meta: { source: Source; hint?: string; created_at?: string; updated_at?: string; now: Date },
  left?: EntryState,
): KeyView {
  const { key: secret, expires, ...rest } = key;
  let state: EntryState = { state: "active", reason: null };
  if (left) state = left;
  else if (!key.enabled) state = { state: "disabled", reason: null };
  else if (!keyDigest(secret)) state = { state: "invalid", reason: "empty or malformed key" };
  else if (expires && expires.getTime() <= meta.now.getTime()) {
    state = { state: "expired", reason: `expired on ${expires.toISOString()}` };
  }
  return {
    ...rest,
    ...state,
    source: meta.source,
    key: meta.hint ??
      (secret.startsWith("sha256:") ? `sha256:…${secret.slice(-4)}` : redact(secret)),
    expires: expires ? expires.toISOString() : null,
    created_at: meta.created_at ?? null,
    updated_at: meta.updated_at ?? null,
  };
}

/** A base URL without any `user:password@`. */
function maskUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "***";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url;
  }
}
