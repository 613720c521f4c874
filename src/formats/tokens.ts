/**
 * A fast, dependency-free token estimate for routing decisions (context-window checks) and for
 * upstreams that report no usage. Roughly one token per 4 characters of Latin text and one per
 * CJK character, which tracks cl100k/o200k within ~15% on ordinary prose.
 */

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/** Estimated token count of `text`. */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  const cjk = text.match(CJK)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

/** Estimated prompt tokens of a chat request's messages (content, names, tool calls). */
export function estimatePromptTokens(messages: readonly { content?: unknown }[]): number {
  let total = 0;
  for (const message of messages) total += 4 + estimateTokens(textOf(message));
  return total + 2;
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join(" ");
  if (value && typeof value === "object") {
    let out = "";
    for (const [key, inner] of Object.entries(value)) {
      // Image payloads are priced by size, not by their base64 text.
      if (key === "image_url" || key === "role" || key === "type") continue;
      out += textOf(inner) + " ";
    }
    return out;
  }
  return "";
}
