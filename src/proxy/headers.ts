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

/** Client headers that carry gateway credentials; never shown to plugins or upstreams. */
export const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "x-api-key",
  "x-goog-api-key",
  "api-key",
  "cookie",
]);

/** A copy of the client's headers without gateway credentials, made only when first read. */
export function lazyClientHeaders(raw: Headers): () => Headers {
  let copy: Headers | undefined;
  return () => {
    if (!copy) {
      copy = new Headers();
      for (const [name, value] of raw) if (!CREDENTIAL_HEADERS.has(name)) copy.set(name, value);
    }
    return copy;
  };
}

/** Upstream headers safe to relay (content type, rate-limit and processing-time headers...). */
export function relayedHeaders(upstream: Headers): Headers {
  const out = new Headers();
  for (const [name, value] of upstream) if (!DROPPED.has(name)) out.set(name, value);
  return out;
}
