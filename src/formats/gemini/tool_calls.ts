/**
 * Tool call ids and thought signatures across the OpenAI ⇄ Gemini boundary.
 *
 * Gemini usually returns function calls without ids, and OpenAI clients need one to answer each
 * call, so the gateway makes them up. Gemini 3 also attaches an opaque `thoughtSignature` to
 * function calls and answers 400 when a replayed call lacks it
 * (https://ai.google.dev/gemini-api/docs/thought-signatures). OpenAI's format has no place for
 * it, so it travels two ways: as `extra_content.google.thought_signature` on the tool call (the
 * field Google's own OpenAI-compatible endpoint uses) and embedded in the id itself, because many
 * clients rebuild tool calls from id, name and arguments only and would drop an extra field.
 */

/** Separates the made-up id from an embedded signature. Never occurs in a made-up id. */
const SIGNATURE_SEPARATOR = "__thought__";

/**
 * The sentinel Google documents for replayed function calls whose signature was lost (e.g. a
 * history produced by another model); Gemini 3 then skips signature validation.
 */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

/** A tool call's id as the client sees it. */
export function encodeToolCallId(id: string, signature: string | undefined): string {
  if (!signature) return id;
  // URL-safe base64 keeps ids within [A-Za-z0-9_-]; Google's JSON parser accepts either
  // alphabet for bytes fields, so the signature need not be converted back.
  const safe = signature.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return `${id}${SIGNATURE_SEPARATOR}${safe}`;
}

/** Splits a client-sent tool call id back into Gemini's call id and thought signature. */
export function decodeToolCallId(id: string): { id: string; signature?: string } {
  const at = id.indexOf(SIGNATURE_SEPARATOR);
  if (at < 0) return { id };
  return { id: id.slice(0, at), signature: id.slice(at + SIGNATURE_SEPARATOR.length) };
}

/** The `extra_content` Google's OpenAI-compatible API puts on a tool call with a signature. */
export function signatureExtra(signature: string | undefined) {
  return signature ? { extra_content: { google: { thought_signature: signature } } } : {};
}

/** Reads `extra_content.google.thought_signature` from a client's tool call, if present. */
export function signatureFromExtra(toolCall: Record<string, unknown>): string | undefined {
  const extra = toolCall.extra_content as { google?: { thought_signature?: unknown } } | undefined;
  const signature = extra?.google?.thought_signature;
  return typeof signature === "string" && signature !== "" ? signature : undefined;
}

/**
 * Makes call ids for one response: `call_<prefix>_<n>`. Gemini call ids are used when given;
 * otherwise the prefix (from the request id) keeps ids unique across a conversation's turns.
 */
export function callIdMaker(seed: string): () => string {
  const prefix = seed.replace(/[^A-Za-z0-9]/g, "").slice(-12);
  let n = 0;
  return () => prefix ? `call_${prefix}_${n++}` : `call_${n++}`;
}

/** Google models that enforce thought signatures on replayed function calls (Gemini 3+). */
export function requiresThoughtSignature(model: string): boolean {
  const match = /(?:^|\/)gemini-(\d+)/.exec(model);
  return match !== null && Number(match[1]) >= 3;
}
