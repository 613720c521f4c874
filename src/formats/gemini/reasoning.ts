/**
 * Gemini's thoughts and thought signatures ⇄ the chat dialect's `reasoning_content` and
 * `reasoning_details` (format "google-gemini-v1", as OpenRouter relays Gemini):
 * - a thought part (`thought: true`, https://ai.google.dev/gemini-api/docs/thinking#summaries)
 *   is reasoning text, and a `reasoning.text` detail (with its `thoughtSignature`, if any);
 * - a signature on any other part (https://ai.google.dev/gemini-api/docs/thought-signatures) is
 *   a `reasoning.encrypted` detail whose `id` names the tool call it sat on, or none for text.
 *
 * Consecutive thought parts (a stream sends one per event) share a detail index, so a client
 * that joins fragments by index holds one thought. Replayed to Gemini, the details become the
 * turn's parts again in Gemini's own order: thoughts, then text, then function calls, each
 * signature where it was; that reproduces a `generateContent` answer's model turn exactly.
 */
import { mergeReasoningDetails, REASONING_FORMAT, type ReasoningDetail } from "../openai.ts";
import type { Part } from "./schema.ts";

export const FORMAT = REASONING_FORMAT.gemini;

/** Where the detail numbering of one candidate stands; carried across a stream's events. */
export interface ReasoningCursor {
  next: number;
  /** The index of the thought run still open, if the last part was a thought. */
  thought?: number;
}

export function createCursor(): ReasoningCursor {
  return { next: 0 };
}

/**
 * The detail `part` contributes, if any. `toolCallId` is the id the client sees for a function
 * call part. Advances `cursor`.
 */
export function detailOfPart(
  part: Part,
  cursor: ReasoningCursor,
  toolCallId?: string,
): ReasoningDetail | undefined {
  if (part.thought && part.text !== undefined) {
    const index = cursor.thought ?? cursor.next++;
    cursor.thought = part.thoughtSignature ? undefined : index;
    return {
      type: "reasoning.text",
      text: part.text,
      ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}),
      format: FORMAT,
      index,
    };
  }
  cursor.thought = undefined;
  if (!part.thoughtSignature) return undefined;
  return {
    type: "reasoning.encrypted",
    data: part.thoughtSignature,
    ...(toolCallId ? { id: toolCallId } : {}),
    format: FORMAT,
    index: cursor.next++,
  };
}

/** Gemini-family details of an assistant message, sorted for replay. */
export interface ReplayReasoning {
  /** Thought parts, first in the turn. */
  thoughts: Part[];
  /** The signature of the turn's text, if it had one. */
  textSignature?: string;
  /** Tool call id → the signature its function call part had. */
  callSignatures: Map<string, string>;
}

export function replayReasoning(details: unknown): ReplayReasoning {
  const replay: ReplayReasoning = { thoughts: [], callSignatures: new Map() };
  for (const detail of mergeReasoningDetails(details, FORMAT)) {
    if (detail.type === "reasoning.text") {
      replay.thoughts.push({
        text: detail.text ?? "",
        thought: true,
        ...(detail.signature ? { thoughtSignature: detail.signature } : {}),
      });
    } else if (detail.type === "reasoning.encrypted") {
      if (detail.id) replay.callSignatures.set(detail.id, detail.data);
      else replay.textSignature ??= detail.data;
    }
  }
  return replay;
}
