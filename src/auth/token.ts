/** Where clients put their gateway key: OpenAI, Anthropic and Gemini SDK styles. */

/** The key from `Authorization: Bearer`, `x-api-key` or `x-goog-api-key`, if any. */
export function presentedToken(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  return headers.get("x-api-key")?.trim() || headers.get("x-goog-api-key")?.trim() || undefined;
}
