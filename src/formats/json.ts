/**
 * JSON from clients and upstreams, bounded in depth. `JSON.parse` itself copes with deep nesting,
 * but everything after it that walks a value recursively (token estimates, format converters,
 * schema cleaning) would overflow the stack: 3,000 levels did. Rather than make each walker
 * iterative, nesting is refused where JSON enters the gateway, by one linear scan that skips over
 * strings (base64 images cost one `indexOf`).
 */

/** Deepest nesting of arrays and objects accepted. Real requests (tool schemas included) stay
 * far below it. */
export const MAX_JSON_DEPTH = 100;

export class JsonTooDeepError extends Error {
  override name = "JsonTooDeepError";
  constructor(readonly limit: number) {
    super(`JSON is nested more than ${limit} levels deep`);
  }
}

/**
 * Parses `text`, refusing nesting deeper than `limit`.
 * @throws {SyntaxError} for text that is not JSON
 * @throws {JsonTooDeepError} for JSON nested too deeply
 */
export function parseJsonBounded(text: string, limit = MAX_JSON_DEPTH): unknown {
  if (exceedsDepth(text, limit)) throw new JsonTooDeepError(limit);
  return JSON.parse(text);
}

/** Whether the brackets in `text` (outside strings) nest deeper than `limit`. */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && escaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false; // Not JSON: `JSON.parse` will say so.
      i = end;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/** Whether the quote at `at` is escaped (an odd run of backslashes before it). */
function escaped(text: string, at: number): boolean {
  let slashes = 0;
  while (text.charCodeAt(at - 1 - slashes) === 92) slashes++;
  return slashes % 2 === 1;
}
