/**
 * Gateway keys added through the admin API, one KV entry each. The key itself is never stored:
 * only `sha256:<hex>` of it (what the key ring compares) and a masked hint for listings. Writes
 * check the entry's versionstamp and bump the admin version, like `channels.ts`.
 */
import { z } from "zod";
import { adminKeys } from "./keys.ts";
import { bumpVersion } from "./admin_state.ts";

export const StoredGatewayKey = z.object({
  /** `sha256:<hex>` of the key. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** `sk-…abcd`: enough to recognise the key, never enough to use it. */
  hint: z.string(),
  /** `channels`, `models`, `limits`, `expires`, `enabled` as sent. */
  config: z.record(z.string(), z.unknown()),
  /** ISO timestamps. */
  created_at: z.string(),
  updated_at: z.string(),
});
export type StoredGatewayKey = z.infer<typeof StoredGatewayKey>;

export interface StoredGatewayKeyEntry {
  name: string;
  value: StoredGatewayKey;
  versionstamp: string;
}

/** Every stored key; entries that do not parse are reported through `bad`, not returned. */
export async function listStoredKeys(
  kv: Deno.Kv,
  bad: (name: string, reason: string) => void = () => {},
): Promise<StoredGatewayKeyEntry[]> {
  const out: StoredGatewayKeyEntry[] = [];
  for await (const entry of kv.list({ prefix: adminKeys.gatewayKeys() })) {
    const name = String(entry.key.at(-1));
    const parsed = StoredGatewayKey.safeParse(entry.value);
    if (parsed.success) out.push({ name, value: parsed.data, versionstamp: entry.versionstamp });
    else bad(name, `its stored record is malformed (${parsed.error.issues[0].message})`);
  }
  return out;
}

/** The stored key `name`, if there is one. */
export async function getStoredKey(
  kv: Deno.Kv,
  name: string,
): Promise<StoredGatewayKeyEntry | undefined> {
  const entry = await kv.get(adminKeys.gatewayKey(name));
  if (entry.versionstamp === null) return undefined;
  const parsed = StoredGatewayKey.safeParse(entry.value);
  return parsed.success
    ? { name, value: parsed.data, versionstamp: entry.versionstamp }
    : undefined;
}

/** Writes `value` if the entry is still at `expected` (null: absent); false otherwise. */
export async function putStoredKey(
  kv: Deno.Kv,
  name: string,
  value: StoredGatewayKey,
  expected: string | null,
): Promise<boolean> {
  const key = adminKeys.gatewayKey(name);
  return (await bumpVersion(kv.atomic().check({ key, versionstamp: expected }).set(key, value))
    .commit()).ok;
}

/** Deletes the entry if it is still at `expected`; false when it changed meanwhile. */
export async function deleteStoredKey(
  kv: Deno.Kv,
  name: string,
  expected: string,
): Promise<boolean> {
  const key = adminKeys.gatewayKey(name);
  return (await bumpVersion(kv.atomic().check({ key, versionstamp: expected }).delete(key))
    .commit()).ok;
}
