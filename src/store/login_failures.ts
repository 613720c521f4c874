/**
 * Wrong admin keys per client address, in KV so every instance sees the same count. The count
 * is added to under a versionstamp check (retried), so failures that arrive together on several
 * instances are all counted. A record expires a day after the last failure.
 */
import { z } from "zod";
import { adminKeys } from "./keys.ts";

export const LoginFailures = z.object({
  /** Wrong keys since the last success (or since the record expired). */
  count: z.number().int().nonnegative(),
  /** Epoch ms of the last wrong key. */
  last: z.number(),
});
export type LoginFailures = z.infer<typeof LoginFailures>;

/** How long a record outlives its last failure. */
export const FAILURES_TTL_MS = 86_400_000;

/** The failures recorded for `address`, if any. */
export async function readFailures(
  kv: Deno.Kv,
  address: string,
): Promise<LoginFailures | undefined> {
  const entry = await kv.get(adminKeys.loginFailures(address));
  const parsed = LoginFailures.safeParse(entry.value);
  return parsed.success ? parsed.data : undefined;
}

/** Counts one more wrong key from `address`; returns the new count and time. */
export async function recordFailure(
  kv: Deno.Kv,
  address: string,
  now = Date.now(),
): Promise<LoginFailures> {
  const key = adminKeys.loginFailures(address);
  for (let attempt = 0; attempt < 10; attempt++) {
    const entry = await kv.get(key);
    const previous = LoginFailures.safeParse(entry.value);
    const next = { count: (previous.success ? previous.data.count : 0) + 1, last: now };
    const result = await kv.atomic().check(entry).set(key, next, { expireIn: FAILURES_TTL_MS })
      .commit();
    if (result.ok) return next;
  }
  throw new Error(`Could not record a login failure for "${address}": too much contention`);
}

/** Forgets the failures of `address` (after a right key). */
export async function clearFailures(kv: Deno.Kv, address: string): Promise<void> {
  await kv.delete(adminKeys.loginFailures(address));
}
