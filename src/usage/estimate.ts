/**
 * Token counts the upstream did not report, estimated. The policy for a stream cut short (by the
 * client, the upstream or a deadline) or an upstream that never reports usage:
 *
 * - what the upstream reported counts as reported;
 * - what it did not is counted from what was actually relayed (the upstream's own events, never
 *   the gateway's error text) and from the client's prompt, with a real tokenizer
 *   (`gpt-tokenizer`, o200k — GPT-4o's encoding; other families split text differently, typically
 *   within 10–20%), and the usage is marked `estimated`;
 * - a cut stream's completion is the larger of the reported and the estimated count (an Anthropic
 *   stream reports output tokens only at its end).
 *
 * The tokenizer is loaded on first use: most gateways never need it.
 */
import { estimateTokens } from "../formats/tokens.ts";
import type { TokenUsage } from "../stats/record.ts";

let counter: Promise<(text: string) => number> | undefined;

/** Counts tokens with the real tokenizer (the character heuristic if it cannot load). */
export function tokenCounter(): Promise<(text: string) => number> {
  counter ??= import("gpt-tokenizer")
    .then((m) => (text: string) => m.countTokens(text))
    .catch(() => estimateTokens);
  return counter;
}

/** Keys whose string values are text a model read or wrote, in any of the dialects. */
const TEXT_KEYS = new Set([
  "content",
  "text",
  "delta",
  "arguments",
  "partial_json",
  "thinking",
  "reasoning_content",
  "refusal",
  "input",
  "prompt",
  "instructions",
  "system",
  "summary",
]);

/** Most characters read for an estimate: a bound on the work, far above real prompts. */
const MAX_CHARS = 8_000_000;

/** The text in a JSON value: strings under {@link TEXT_KEYS}, at any depth (walked iteratively). */
export function textIn(value: unknown): string {
  const parts: string[] = [];
  let size = 0;
  const stack: [unknown, boolean][] = [[value, false]];
  while (stack.length > 0 && size < MAX_CHARS) {
    const [node, isText] = stack.pop()!;
    if (typeof node === "string") {
      if (isText) {
        parts.push(node);
        size += node.length;
      }
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], isText]);
    } else if (node && typeof node === "object") {
      // Pushed last to first, so the text comes out in the document's order.
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push([entries[i][1], TEXT_KEYS.has(entries[i][0])]);
      }
    }
  }
  return parts.join("\n");
}

/**
 * The text an upstream streamed, from its events' data. Responses-API streams repeat the whole
 * text in their `.done` and `response.completed` events, so only their `.delta` events count.
 */
export function relayedText(data: readonly string[]): string {
  const parts: string[] = [];
  for (const text of data) {
    if (text === "[DONE]") continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const type = (json as { type?: unknown })?.type;
    if (typeof type === "string" && type.startsWith("response.")) {
      const delta = (json as { delta?: unknown }).delta;
      if (type.endsWith(".delta") && typeof delta === "string") parts.push(delta);
      continue;
    }
    parts.push(textIn(json));
  }
  return parts.join("");
}

export interface UsageEvidence {
  /** What the upstream reported, if anything. */
  reported?: TokenUsage;
  /** Whether the exchange finished normally (so a reported usage is whole). */
  complete: boolean;
  /** The client's request body, for the prompt. */
  request?: unknown;
  /** The upstream's stream events' data, for the completion. */
  relayed?: readonly string[];
  /** A whole answer's text, for the completion of a non-stream answer without usage. */
  answer?: string;
}

/** Usage per the policy above; undefined only when there is nothing to count at all. */
export async function completeUsage(e: UsageEvidence): Promise<TokenUsage | undefined> {
  if (e.reported && e.complete) return e.reported;
  const count = await tokenCounter();
  const completion = count(e.answer ?? relayedText(e.relayed ?? []));
  if (!e.reported) {
    const prompt = e.request === undefined ? 0 : count(textIn(e.request));
    if (prompt === 0 && completion === 0) return undefined;
    return { prompt, completion, estimated: true };
  }
  const prompt = e.reported.prompt > 0 ? e.reported.prompt : count(textIn(e.request));
  const estimated = prompt !== e.reported.prompt || completion > e.reported.completion;
  return {
    ...e.reported,
    prompt,
    completion: Math.max(completion, e.reported.completion),
    ...(estimated ? { estimated: true } : {}),
  };
}
