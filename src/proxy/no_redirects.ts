/**
 * The gateway's `fetch` never follows redirects: Deno's keeps custom key headers (`x-api-key`,
 * `api-key`, `x-goog-api-key`) across them, so a hostile or misconfigured upstream could send the
 * key anywhere. A 3xx comes back as it is; the caller decides (a failed attempt, or returned to a
 * `/proxy` client unfollowed).
 */
export function withoutRedirects(fetchFn: typeof fetch): typeof fetch {
  return (input, init) => fetchFn(input, { ...init, redirect: "manual" });
}
