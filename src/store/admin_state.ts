/**
 * The admin's shared state in KV besides its entries: the version every change bumps (other
 * instances watch and poll it to rebuild), and the secret verifier (a known text sealed with
 * `secret`, to tell a wrong secret at start-up).
 */
import { adminKeys } from "./keys.ts";

/** The known text the verifier seals. */
export const VERIFIER_TEXT = "sluice secret verifier v1";
/** The sealing context of the verifier. */
export const VERIFIER_CONTEXT = "verifier";

/** Adds the version bump to a commit that changes an admin entry. */
export function bumpVersion(op: Deno.AtomicOperation): Deno.AtomicOperation {
  return op.sum(adminKeys.version(), 1n);
}

/** The version's versionstamp: null until the first change. */
export async function readVersion(kv: Deno.Kv): Promise<string | null> {
  return (await kv.get(adminKeys.version())).versionstamp;
}

/** The sealed verifier, if a secret has sealed anything. */
export async function readVerifier(kv: Deno.Kv): Promise<Deno.KvEntryMaybe<string>> {
  return await kv.get<string>(adminKeys.secretVerifier());
}

/** Replaces the verifier (sealed with the secret that now seals). */
export async function writeVerifier(kv: Deno.Kv, sealed: string): Promise<void> {
  await kv.set(adminKeys.secretVerifier(), sealed);
}

/** Removes the verifier (nothing sealed is left to verify). */
export async function deleteVerifier(kv: Deno.Kv): Promise<void> {
  await kv.delete(adminKeys.secretVerifier());
}

/** Adds setting the verifier to a commit that seals with a (possibly new) secret. */
export function setVerifier(op: Deno.AtomicOperation, sealed: string): Deno.AtomicOperation {
  return op.set(adminKeys.secretVerifier(), sealed);
}

/** The admin version's changes, as `kv.watch` reports them. */
export function watchVersion(kv: Deno.Kv): ReadableStream<Deno.KvEntryMaybe<unknown>[]> {
  return kv.watch([adminKeys.version()]);
}
