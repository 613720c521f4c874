/** Which upstream response headers reach the client. */

// Hop-by-hop headers, and framing headers that no longer describe the body once Deno's fetch has
// decoded it, are dropped; so are cookies, which belong to the upstream's domain, not ours.
const DROPPED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "content-encoding",
  "set-cookie",
  "date",
  "server",
  "alt-svc",
]);

/** Upstream headers safe to relay (content type, rate-limit and processing-time headers...). */
export function relayedHeaders(upstream: Headers): Headers {
  const out = new Headers();
  for (const [name, value] of upstream) if (!DROPPED.has(name)) out.set(name, value);
  return out;
}
