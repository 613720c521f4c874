/**
 * OpenAI chat content → Anthropic content blocks, keeping prompt-cache breakpoints.
 *
 * OpenAI's format has no `cache_control`; gateways that put Claude behind it (LiteLLM,
 * OpenRouter, Portkey) accept Anthropic's own `cache_control: {type: "ephemeral", ttl?}` on a
 * chat content part, on a whole message (the breakpoint then goes on its last block) and on a
 * tool definition (docs.litellm.ai/docs/completion/prompt_caching,
 * openrouter.ai/docs/features/prompt-caching). Sluice accepts all three and keeps the marker on
 * the block it lands on, so a prompt cached through Sluice caches as it would natively.
 */
import type { ChatMessage } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import type { ContentBlockParam, TextBlock } from "./request.ts";

type Part = { type: string; [key: string]: unknown };

/** `{cache_control}` when `source` carries one, else nothing. */
export function cacheOf(source: unknown): { cache_control?: Record<string, unknown> } {
  const control = (source as { cache_control?: unknown } | null | undefined)?.cache_control;
  return control && typeof control === "object"
    ? { cache_control: control as Record<string, unknown> }
    : {};
}

/** Puts a message-level breakpoint on the message's last block. */
export function withMessageCache<B extends ContentBlockParam>(blocks: B[], message: unknown): B[] {
  const cache = cacheOf(message);
  const last = blocks.at(-1);
  if (cache.cache_control && last) blocks[blocks.length - 1] = { ...last, ...cache };
  return blocks;
}

/** OpenAI content (string or parts) → Anthropic blocks; empty text is dropped (Anthropic
 * rejects empty text blocks). */
export function contentBlocks(content: ChatMessage["content"], at: string): ContentBlockParam[] {
  if (content == null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: ContentBlockParam[] = [];
  content.forEach((part: Part, i) => {
    const here = `${at}[${i}]`;
    const cache = cacheOf(part);
    switch (part.type) {
      case "text":
      case "refusal": {
        const text = String(part.text ?? part.refusal ?? "");
        if (text !== "") blocks.push({ type: "text", text, ...cache });
        return;
      }
      case "image_url": {
        const image = part.image_url as string | { url?: unknown } | undefined;
        const url = typeof image === "string" ? image : String(image?.url ?? "");
        return void blocks.push({
          type: "image",
          source: mediaSource(url, `${here}.image_url`),
          ...cache,
        });
      }
      case "file": {
        const file = (part.file ?? {}) as { file_data?: unknown };
        if (typeof file.file_data !== "string") {
          throw new ConversionError("Only inline files (file_data) can be sent to Anthropic", here);
        }
        return void blocks.push({
          type: "document",
          source: mediaSource(file.file_data, `${here}.file.file_data`),
          ...cache,
        });
      }
      default:
        throw new ConversionError(
          `Content part type "${part.type}" cannot be sent to Anthropic`,
          `${here}.type`,
        );
    }
  });
  return blocks;
}

/** A system or developer message as text blocks, breakpoints kept. */
export function systemBlocks(message: ChatMessage, at: string): TextBlock[] {
  const blocks = contentBlocks(message.content, at).map((block) => {
    if (block.type === "text") return block as TextBlock;
    throw new ConversionError(`System messages can hold only text for Anthropic`, at);
  });
  return withMessageCache(blocks, message);
}

/** System blocks as Anthropic's `system`: a plain string unless a breakpoint needs blocks. */
export function systemField(blocks: TextBlock[]): string | TextBlock[] | undefined {
  if (blocks.length === 0) return undefined;
  if (blocks.some((b) => b.cache_control)) return blocks;
  return blocks.map((b) => b.text).join("\n\n");
}

/** A `data:` URL becomes a base64 source, anything else a URL source. */
function mediaSource(url: string, at: string) {
  if (!url.startsWith("data:")) return { type: "url" as const, url };
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (!match) throw new ConversionError("Data URLs must be base64-encoded", at);
  return { type: "base64" as const, media_type: match[1], data: match[3] };
}
