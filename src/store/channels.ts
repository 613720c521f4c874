/**
 * Channels added through the admin API, one KV entry each: the channel as the admin sent it, but
 * with its upstream keys (and the values of headers that carry credentials) sealed by
 * `src/crypto/`. Every write is one commit that checks the entry's versionstamp (so two admins
 * never overwrite each other unseen) and bumps the admin version (so every instance rebuilds).
 */
import { z } from "zod";
import { adminKeys } from "./keys.ts";
import { bumpVersion } from "./admin_state.ts";

export const StoredChannel = z.object({
  /** The channel's fields as sent (durations as written), without `keys` or sealed headers. */
  config: z.record(z.string(), z.unknown()),
  /** Upstream keys, each sealed for context `channel:<name>:keys`. */
  keys: z.array(z.string()),
  /** Header name → value sealed for context `channel:<name>:header:<lower-case name>`. */
  secret_headers: z.record(z.string(), z.string()),
  /** `sk-…abcd` forms of the keys and of the sealed headers, for listings that need not open
   * them. */
  hints: z.object({ keys: z.array(z.string()), headers: z.record(z.string(), z.string()) }),
  /** ISO timestamps. */
  created_at: z.string(),
  updated_at: z.string(),
});
export type StoredChannel = z.infer<typeof StoredChannel>;

/** A stored channel with its name and versionstamp (for the next write's check). */
export interface StoredChannelEntry {
  name: string;
  value: StoredChannel;
  versionstamp: string;
}

/** Every stored channel; entries that do not parse are reported through `bad`, not returned. */
export async function listStoredChannels(
  kv: Deno.Kv,
  bad: (name: string, reason: string) => void = () => {},
): Promise<StoredChannelEntry[]> {
  const out: StoredChannelEntry[] = [];
  for await (const entry of kv.list({ prefix: adminKeys.channels() })) {
    const name = String(entry.key.at(-1));
    const parsed = StoredChannel.safeParse(entry.value);
    if (parsed.success) out.push({ name, value: parsed.data, versionstamp: entry.versionstamp });
    else bad(name, `its stored record is malformed (${parsed.error.issues[0].message})`);
  }
  return out;
}

/** The stored channel `name`, if there is one. */
export async function getStoredChannel(
  kv: Deno.Kv,
  name: string,
): Promise<StoredChannelEntry | undefined> {
  const entry = await kv.get(adminKeys.channel(name));
  if (entry.versionstamp === null) return undefined;
  const parsed = StoredChannel.safeParse(entry.value);
  return parsed.success
    ? { name, value: parsed.data, versionstamp: entry.versionstamp }
    : undefined;
}

/**
 * Writes `value` if the entry is still at `expected` (null: absent). `extra` adds mutations to
 * the same commit (a new secret verifier). Returns false when someone else wrote first.
 */
export async function putStoredChannel(
  kv: Deno.Kv,
  name: string,
  value: StoredChannel,
  expected: string | null,
  extra: (op: Deno.AtomicOperation) => Deno.AtomicOperation = (op) => op,
): Promise<boolean> {
  const key = adminKeys.channel(name);
  const op = kv.atomic().check({ key, versionstamp: expected }).set(key, value);
  return (await extra(bumpVersion(op)).commit()).ok;
}

/** Deletes the entry if it is still at `expected`; false when it changed meanwhile. */
export async function deleteStoredChannel(
  kv: Deno.Kv,
  name: string,
  expected: string,
): Promise<boolean> {
  const key = adminKeys.channel(name);
  return (await bumpVersion(kv.atomic().check({ key, versionstamp: expected }).delete(key))
    .commit()).ok;
}
