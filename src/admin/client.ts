/**
 * Who is asking, as far as the admin's defences need to know: the client's address (login
 * failures are counted per address) and whether it came over HTTPS (the session cookie is then
 * `Secure`). A reverse proxy's `X-Forwarded-For` and `X-Forwarded-Proto` are believed only from
 * a loopback peer, the proxy on the same host; from anyone else they are the client's own words.
 */
import type { Context } from "hono";
import { isLoopback } from "../auth/middleware.ts";

/** The peer's address as the server saw it (undefined under `app.request()` in tests). */
export type RemoteAddress = (c: Context) => string | undefined;

/**
 * The client's address: the peer, or behind a local proxy the last `X-Forwarded-For` entry (the
 * one that proxy added; earlier entries are whatever the client claimed).
 */
export function clientAddress(c: Context, remoteAddress: RemoteAddress): string {
  const peer = remoteAddress(c) ?? "unknown";
  if (!isLoopback(peer)) return peer;
  const forwarded = c.req.header("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last && last.length <= 64 ? last : peer;
}

/** Whether the browser reached us over HTTPS (directly, or through a local TLS proxy). */
export function isHttps(c: Context, remoteAddress: RemoteAddress): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  const peer = remoteAddress(c);
  if (peer === undefined || !isLoopback(peer)) return false;
  return c.req.header("x-forwarded-proto")?.split(",")[0].trim().toLowerCase() === "https";
}
