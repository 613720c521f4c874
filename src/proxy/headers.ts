/**
 * Which headers cross the gateway, each way. Hop-by-hop headers (RFC 9110 §7.6.1: `connection`
 * and every header it names, `proxy-authorization`, `proxy-authenticate`, `te`, `trailer`,
 * `upgrade`, `keep-alive`, `transfer-encoding`) never do; nor do the client's gateway
 * credentials. Headers are gathered into plain objects: `fetch` and `Response` take them for
 * about half the cost of a `Headers` object.
 *
 * Why not `hono/proxy`: it strips the `Connection`-named request headers only in a strict mode
 * that throws, and follows redirects; the gateway also swaps credentials and scrubs what the
 * upstream echoes, so the rules live here, one table each way.
 */
import type { Scrubber } from "./scrub.ts";

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** Client headers that carry gateway credentials; never shown to plugins or upstreams. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "x-api-key",
  "x-goog-api-key",
  "api-key",
  "cookie",
]);

/** Never forwarded from the client: credentials, hop-by-hop, and what the gateway sets itself. */
const CLIENT_DROPPED: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  ...CREDENTIAL_HEADERS,
  "host",
  "content-length",
  "accept-encoding",
]);

/**
 * Never relayed from the upstream: hop-by-hop, framing that no longer describes the body once
 * Deno's fetch decoded it, and cookies, which belong to the upstream's domain, not ours.
 */
const UPSTREAM_DROPPED: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  "content-length",
  "content-encoding",
  "set-cookie",
  "date",
  "server",
  "alt-svc",
]);

/** Header names listed in `connection` (lower-case), which are hop-by-hop too. */
function connectionNamed(headers: Headers): Set<string> | undefined {
  const value = headers.get("connection");
  if (!value) return undefined;
  return new Set(value.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean));
}

function copy(
  from: Headers,
  dropped: ReadonlySet<string>,
  scrub?: Scrubber,
): Record<string, string> {
  const named = connectionNamed(from);
  const out: Record<string, string> = {};
  for (const [name, value] of from) {
    if (dropped.has(name) || named?.has(name)) continue;
    out[name] = scrub && scrub.test(value) ? scrub(value) : value;
  }
  return out;
}

/** The client's headers a `/proxy` call forwards. */
export function forwardedHeaders(client: Headers): Record<string, string> {
  return copy(client, CLIENT_DROPPED);
}

/** Upstream response headers safe to relay (content type, rate limits, processing time...). */
export function relayedHeaders(upstream: Headers, scrub?: Scrubber): Record<string, string> {
  return copy(upstream, UPSTREAM_DROPPED, scrub);
}

/** A copy of the client's headers without gateway credentials, made only when first read. */
export function lazyClientHeaders(raw: Headers): () => Headers {
  let copied: Headers | undefined;
  return () => {
    if (!copied) {
      copied = new Headers();
      for (const [name, value] of raw) if (!CREDENTIAL_HEADERS.has(name)) copied.set(name, value);
    }
    return copied;
  };
}
