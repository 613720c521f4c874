/**
 * The text of a request and its answer, kept in the recent-request log when `log.bodies` is on
 * (off by default: the ledger otherwise stores no prompt or completion text). Each side is cut to
 * {@link MAX_BODY_CHARS} characters so the whole entry stays within one Deno KV value (64 KiB,
 * and a string of CJK text takes two bytes a character).
 */
import type { KeptBodies } from "../stats/record.ts";
import { relayedText, textIn } from "./estimate.ts";

export const MAX_BODY_CHARS = 12_000;

/** What a finished exchange leaves: the client's request body and either side of the answer. */
export interface Exchange {
  request?: unknown;
  /** A stream's upstream event data. */
  relayed?: readonly string[];
  /** A whole (JSON) answer as sent to the client. */
  answer?: string;
}

export function keptBodies(e: Exchange): KeptBodies {
  const prompt = cut(e.request === undefined ? "" : textIn(e.request));
  const answer = cut(e.answer !== undefined ? answerText(e.answer) : relayedText(e.relayed ?? []));
  const kept: KeptBodies = { prompt: prompt.text, answer: answer.text };
  if (prompt.cut || answer.cut) kept.truncated = true;
  return kept;
}

function answerText(body: string): string {
  try {
    return textIn(JSON.parse(body));
  } catch {
    return body;
  }
}

function cut(text: string): { text: string; cut: boolean } {
  if (text.length <= MAX_BODY_CHARS) return { text, cut: false };
  let end = MAX_BODY_CHARS;
  // Never split a surrogate pair: half an emoji is not text.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return { text: text.slice(0, end), cut: true };
}
