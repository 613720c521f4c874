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

/**
 * Query parameters that carry credentials (Google's `?key=`, some servers' `api_key` or
 * `access_token`). The upstream gets the channel's key the plugin's way; a client's credential,
 * most likely its gateway key, must never travel on.
 */
const CREDENTIAL_PARAMS = new Set([
  "key",
  "api_key",
  "api-key",
  "apikey",
  "access_token",
  "authorization",
]);

/**
 * The raw query (with its `?`) without credential parameters or any parameter whose value
 * contains the client's own token (a key smuggled under another name stays here too); the rest
 * keep their bytes and order. For every query the gateway sends on: `/proxy`, WebSocket upgrades.
 */
export function withoutCredentials(rawQuery: string, token?: string): string {
  if (rawQuery === "" || rawQuery === "?") return "";
  const kept = rawQuery.slice(1).split("&").filter((pair) => {
    const eq = pair.indexOf("=");
    const name = decodeLoosely(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decodeLoosely(pair.slice(eq + 1));
    return !CREDENTIAL_PARAMS.has(name.toLowerCase()) && (!token || !value.includes(token));
  });
  return kept.length > 0 ? `?${kept.join("&")}` : "";
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
}
