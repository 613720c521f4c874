/**
 * Removes secrets from text an upstream wrote before it reaches a client, a log line or an error
 * message: an upstream may echo the key it received (in an error body, a header, a stream's error
 * event), and a client may have smuggled its gateway key into a header that was forwarded. Each
 * secret is also matched in the forms it takes inside JSON and URLs.
 */

export const REDACTED = "[redacted]";

/** Secrets shorter than this are not scrubbed: they would match ordinary text. */
const MIN_SECRET = 8;

export interface Scrubber {
  (text: string): string;
  /** Whether any secret appears in `text` (cheaper than scrubbing when it usually does not). */
  test(text: string): boolean;
}

/** A scrubber for `secrets` (empty and short ones ignored). */
export function scrubberFor(secrets: Iterable<string | undefined>): Scrubber {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  const test = (text: string) => list.some((form) => text.includes(form));
  const scrub = ((text: string) => {
    if (!test(text)) return text;
    let out = text;
    for (const form of list) out = out.replaceAll(form, REDACTED);
    return out;
  }) as Scrubber;
  scrub.test = test;
  return scrub;
}

/** Scrubs header values in place; returns the same object. */
export function scrubHeaders<T extends Record<string, string>>(headers: T, scrub: Scrubber): T {
  for (const name in headers) {
    const value = headers[name];
    if (scrub.test(value)) (headers as Record<string, string>)[name] = scrub(value);
  }
  return headers;
}

/** A scrubber built only when first used: most requests never need one. */
export function lazyScrubber(make: () => Scrubber): Scrubber {
  let scrubber: Scrubber | undefined;
  const get = () => scrubber ??= make();
  const scrub = ((text: string) => get()(text)) as Scrubber;
  scrub.test = (text) => get().test(text);
  return scrub;
}
