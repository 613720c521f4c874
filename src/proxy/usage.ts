/** Token usage in the gateway's terms, from the OpenAI `usage` object (the lingua franca). */
import type { Usage } from "../formats/openai.ts";
import type { TokenUsage } from "../stats/record.ts";

export function toTokenUsage(usage: Usage | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage.prompt_tokens !== "number") return undefined;
  const completion = usage.completion_tokens ??
    Math.max(0, (usage.total_tokens ?? usage.prompt_tokens) - usage.prompt_tokens);
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    prompt: usage.prompt_tokens,
    completion,
    ...(cached ? { cached } : {}),
    ...(reasoning ? { reasoning } : {}),
  };
}

/** Matches a JSON text that carries a non-null `usage` object, before paying for a parse. */
export const HAS_USAGE = /"usage"\s*:\s*\{/;

/**
 * The `usage` object of a JSON answer found from its end, without parsing the rest: OpenAI-style
 * answers put it last, and a key `"usage"` cannot occur inside a JSON string (its quotes would be
 * escaped). Undefined when it is not there or not an object.
 */
export function usageFromTail(text: string): Usage | undefined {
  const key = text.lastIndexOf('"usage"');
  if (key === -1) return undefined;
  const open = text.indexOf("{", key + 7);
  if (open === -1 || text.slice(key + 7, open).trim() !== ":") return undefined;
  const close = matchingBrace(text, open);
  if (close === -1) return undefined;
  try {
    const usage = JSON.parse(text.slice(open, close + 1));
    return usage && typeof usage === "object" ? usage as Usage : undefined;
  } catch {
    return undefined;
  }
}

const USAGE_KEY = new TextEncoder().encode('"usage"');
const decoder = new TextDecoder();

/**
 * {@link usageFromTail} on a body still in bytes: only the bytes from the last `"usage"` on are
 * decoded, so relaying an answer costs no decode and re-encode of the whole of it.
 */
export function usageFromTailBytes(bytes: Uint8Array): Usage | undefined {
  const at = lastIndexOf(bytes, USAGE_KEY);
  return at === -1 ? undefined : usageFromTail(decoder.decode(bytes.subarray(at)));
}

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = haystack.lastIndexOf(first, haystack.length - needle.length); i >= 0;) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    i = i === 0 ? -1 : haystack.lastIndexOf(first, i - 1);
  }
  return -1;
}

/** The index of the `}` closing the object that opens at `open`, skipping strings. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
    } else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i;
  }
  return -1;
}
