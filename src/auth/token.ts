/** Where clients put their gateway key: OpenAI, Anthropic and Gemini styles (and `?key=`). */

/** The key from `Authorization: Bearer`, `x-api-key` or `x-goog-api-key`, if any. */
export function presentedToken(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  return headers.get("x-api-key")?.trim() || headers.get("x-goog-api-key")?.trim() || undefined;
}

/** Paths of Gemini's API, where Google's clients may send the key as `?key=`. */
const GEMINI_PATH = /^\/(?:v1beta|v1)\/models(?:\/|$)|^\/v1beta\//;

/**
 * The key from `?key=` on Gemini's paths only, as Google's REST examples send it (elsewhere a
 * query key would be forwarded, or logged by proxies in front of the gateway). Never logged: the
 * access log records the path without its query.
 */
export function geminiQueryToken(url: string): string | undefined {
  const query = url.indexOf("?");
  if (query === -1 || !url.includes("key=", query)) return undefined;
  const parsed = new URL(url);
  if (!GEMINI_PATH.test(parsed.pathname)) return undefined;
  return parsed.searchParams.get("key")?.trim() || undefined;
}
