/**
 * Reasoning items ⇄ the chat dialect's reasoning fields, by the gateway's shared convention: a chat
 * assistant message carries plain reasoning text in `reasoning_content` (as DeepSeek, Zhipu and
 * Moonshot send it) and provider-signed reasoning in `reasoning_details`, OpenRouter's array of
 * `reasoning.text` / `reasoning.encrypted` / `reasoning.summary` entries, each naming its
 * provider family in `format`.
 *
 * A Responses client keeps reasoning as opaque items and sends them back on the next turn. OpenAI's
 * own encrypted reasoning (`format: "openai-responses-v1"`) is its `encrypted_content` as it is.
 * Another family's signed reasoning (a Claude thinking signature, a Gemini thought signature)
 * rides in `encrypted_content` inside an envelope (`sluice.rd1.` + base64 of the details), so it
 * comes back byte for byte and the target's converter can keep it (same family) or drop it.
 *
 * Sources: OpenRouter's reasoning_details (openrouter.ai/docs/use-cases/reasoning-tokens) and
 * `ResponseReasoningItem` (`summary`, `content` of `reasoning_text`, `encrypted_content`) in
 * openai-node `src/resources/responses/responses.ts`.
 */
import { z } from "zod";
import { REASONING_FORMAT, ReasoningDetail } from "../openai.ts";
import { ConversionError } from "./errors.ts";

/** The family of reasoning that OpenAI's Responses API signs. */
export const RESPONSES_FORMAT = REASONING_FORMAT.openai;
const ENVELOPE = "sluice.rd1.";

/** What a reasoning item holds, before it gets an id. */
export interface ReasoningFields {
  /** Raw reasoning text, shown as a `reasoning_text` content part. */
  text: string;
  /** Summary texts (OpenAI's own summaries), as `summary_text` parts. */
  summary: string[];
  encrypted_content?: string;
}

/**
 * Chat reasoning → a reasoning item's fields; undefined when there is no reasoning at all.
 *
 * @example
 * ```ts
 * reasoningFromChat("Let me think", [
 *   { type: "reasoning.text", text: "Let me think", signature: "sig", format: "anthropic-claude-v1" },
 * ]); // → { text: "Let me think", summary: [], encrypted_content: "sluice.rd1.W3sidHlw…" }
 * ```
 */
export function reasoningFromChat(
  text: string,
  details: readonly ReasoningDetail[],
): ReasoningFields | undefined {
  // Details are the chat dialect's (`mergeReasoningDetails` in `../openai.ts` joins fragments).
  if (text === "" && details.length === 0) return undefined;
  const own = details.every((d) => d.format === RESPONSES_FORMAT);
  const summary = own
    ? details.flatMap((d) => d.type === "reasoning.summary" ? [d.summary] : [])
    : [];
  const detailText = details.map((d) => d.type === "reasoning.text" ? d.text ?? "" : "").join("");
  const fields: ReasoningFields = { text: text || detailText, summary };
  if (own) {
    const encrypted = details.find((d) => d.type === "reasoning.encrypted");
    if (encrypted?.type === "reasoning.encrypted") fields.encrypted_content = encrypted.data;
  } else {
    fields.encrypted_content = envelope(details);
  }
  return fields;
}

/** A reasoning input item → the fields of the chat assistant message it belongs to. */
export function reasoningToChat(
  item: Record<string, unknown>,
  at: string,
): { reasoning_content?: string; reasoning_details?: ReasoningDetail[] } {
  const texts = (list: unknown, key: "text") =>
    Array.isArray(list)
      ? list.flatMap((p) => typeof p?.[key] === "string" ? [p[key] as string] : [])
      : [];
  const summaries = texts(item.summary, "text");
  const text = texts(item.content, "text").join("") || summaries.join("\n\n");
  const out: { reasoning_content?: string; reasoning_details?: ReasoningDetail[] } = {};
  if (text !== "") out.reasoning_content = text;
  const encrypted = item.encrypted_content;
  if (typeof encrypted !== "string" || encrypted === "") return out;
  if (encrypted.startsWith(ENVELOPE)) {
    out.reasoning_details = openEnvelope(encrypted, `${at}.encrypted_content`);
    return out;
  }
  const id = typeof item.id === "string" ? item.id : undefined;
  out.reasoning_details = [
    ...summaries.map((summary) => ({
      type: "reasoning.summary" as const,
      summary,
      format: RESPONSES_FORMAT,
    })),
    {
      type: "reasoning.encrypted",
      data: encrypted,
      ...(id ? { id } : {}),
      format: RESPONSES_FORMAT,
    },
  ];
  return out;
}

function envelope(details: readonly ReasoningDetail[]): string {
  return ENVELOPE + new TextEncoder().encode(JSON.stringify(details)).toBase64();
}

function openEnvelope(text: string, at: string): ReasoningDetail[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(Uint8Array.fromBase64(text.slice(ENVELOPE.length))));
  } catch {
    throw new ConversionError("Reasoning item's encrypted_content is damaged", at);
  }
  const parsed = z.array(ReasoningDetail).safeParse(json);
  if (!parsed.success) {
    throw new ConversionError("Reasoning item's encrypted_content is damaged", at);
  }
  return parsed.data;
}
