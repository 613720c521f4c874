/**
 * Dashboard sessions in KV, so a login holds across instances and restarts. The browser holds a
 * random id (256 bits); KV holds only its SHA-256, so a copy of the store opens no session. Each
 * record carries its synchronizer CSRF token and its own expiry: KV's `expireIn` deletes "at the
 * earliest" after the time given, so the expiry is checked on read too.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { z } from "zod";
import { adminKeys } from "./keys.ts";

/** A session as stored. */
export const SessionRecord = z.object({
  /** The CSRF token forms and `x-csrf-token` must echo. */
  csrf: z.string().min(32),
  /** Epoch ms. */
  created_at: z.number(),
  /** Epoch ms after which the session is gone, whatever KV still holds. */
  expires_at: z.number(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

/** 32 random bytes, base64url: an unguessable token. */
export function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

function idHash(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** Starts a session lasting `ttlMs`; returns the id for the cookie and the record. */
export async function createSession(
  kv: Deno.Kv,
  ttlMs: number,
  now = Date.now(),
): Promise<{ id: string; session: SessionRecord }> {
  const id = randomToken();
  const session: SessionRecord = { csrf: randomToken(), created_at: now, expires_at: now + ttlMs };
  await kv.set(adminKeys.session(idHash(id)), session, { expireIn: ttlMs });
  return { id, session };
}

/** The live session `id` names, if any (unknown, expired and malformed ids alike give none). */
export async function readSession(
  kv: Deno.Kv,
  id: string,
  now = Date.now(),
): Promise<SessionRecord | undefined> {
  if (id.length < 32 || id.length > 128) return undefined;
  const entry = await kv.get(adminKeys.session(idHash(id)));
  const parsed = SessionRecord.safeParse(entry.value);
  if (!parsed.success || parsed.data.expires_at <= now) return undefined;
  return parsed.data;
}

/** Ends the session `id` names (nothing happens for an unknown one). */
export async function deleteSession(kv: Deno.Kv, id: string): Promise<void> {
  await kv.delete(adminKeys.session(idHash(id)));
}
