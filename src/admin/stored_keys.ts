/**
 * Gateway keys made by the admin API: random (`sk-sluice-` and 32 random bytes, base64url),
 * shown once, kept only as `sha256:<hex>` (what the key ring compares) with a masked hint. The
 * other fields (`channels`, `models`, `limits`, `expires`, `enabled`) are checked with the config
 * file's schema, and channel names must exist.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { redact } from "../auth/key_ring.ts";
import { formatPath } from "../config/load.ts";
import { GatewayKeyConfig } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import type { Gateway } from "../gateway/build.ts";
import type { StoredGatewayKey } from "../store/gateway_keys.ts";

/** A key as the API takes it: the file's fields except `key`, which the gateway makes. */
export type KeyInput = Record<string, unknown>;

/** Fields a stored key keeps besides its hash. */
const FIELDS = ["channels", "models", "limits", "expires", "enabled"] as const;

/** A new gateway key: 256 bits from the system's CSPRNG. */
export function newGatewayKey(): string {
  return `sk-sluice-${
    Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")
  }`;
}

/** `sha256:<hex>` of `key`, the form the key ring compares. */
export function hashKey(key: string): string {
  return `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

/**
 * Checks `input` as the config file's loader would check a key (with `key` made by the
 * gateway), and that every channel it names exists.
 * @throws {GatewayError} 400 naming the field.
 */
export function validateKey(input: KeyInput, gateway: Gateway): GatewayKeyConfig {
  if ("key" in input) {
    throw badRequest("key", "Unknown field 'key': the gateway makes the key and shows it once");
  }
  const parsed = GatewayKeyConfig.safeParse({ ...input, key: hashKey("placeholder") });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const field = formatPath([...at, issue.keys[0]]);
      throw badRequest(field, `Unknown field '${field}'`);
    }
    const path = formatPath(at);
    if (issue.code === "invalid_type" && at.length === 1 && !(String(at[0]) in input)) {
      throw badRequest(path, `Missing required field '${path}'`);
    }
    throw badRequest(path || null, `Invalid value for '${path || "(body)"}': ${issue.message}`);
  }
  const known = new Set(gateway.config.channels.map((c) => c.name));
  parsed.data.channels?.forEach((name, i) => {
    if (!known.has(name)) {
      throw badRequest(`channels[${i}]`, `Unknown channel ${JSON.stringify(name)}`);
    }
  });
  return parsed.data;
}

/** The record KV keeps for a key: its hash, hint and the fields as sent. */
export function storedKey(
  key: { hash: string; hint: string },
  input: KeyInput,
  times: { created_at: string; updated_at: string },
): StoredGatewayKey {
  const config: Record<string, unknown> = {};
  for (const field of FIELDS) if (input[field] !== undefined) config[field] = input[field];
  return { ...key, config, ...times };
}

/** A fresh key's hash and hint. */
export function keyMaterial(key: string): { hash: string; hint: string } {
  return { hash: hashKey(key), hint: redact(key) };
}

/** The stored key as the key ring reads a configured one. */
export function keyConfigOf(name: string, stored: StoredGatewayKey) {
  return GatewayKeyConfig.safeParse({ ...stored.config, name, key: stored.hash });
}

/** `patch` over `current` (JSON merge patch, one level: a field replaces, `null` removes). */
export function mergeKey(current: KeyInput, patch: KeyInput): KeyInput {
  const merged: KeyInput = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  return merged;
}

function badRequest(param: string | null, message: string): GatewayError {
  return new GatewayError(400, message, { code: "invalid_key", param });
}
