/**
 * Which close code crosses the gateway, each way. RFC 6455 §7.4.1 reserves 1005 (no status),
 * 1006 (dropped without a close frame) and 1015 (TLS failure) for reporting: they "MUST NOT be
 * set as a status code in a Close control frame". When the upstream fails (drops, or closes
 * with one of those) the client gets 1011 with a reason. IANA's 1014 "Bad Gateway" would say it
 * more exactly, but fastwebsockets — Deno's own WebSocket client among others — fails a
 * connection that receives it ("Invalid close code", measured on Deno 2.9.6), so it is not
 * ours to send; an upstream's own 1014 is still relayed as sent.
 *
 * Toward the upstream the gateway is a WebSocket *client*, and the WHATWG WebSocket standard
 * (which Deno's `close()` enforces for client sockets) allows only 1000 and 3000–4999 there; any
 * other code a client sent reaches the upstream as 1000, its reason kept.
 */

export const NORMAL = 1000;
export const GOING_AWAY = 1001;
export const POLICY_VIOLATION = 1008;
export const MESSAGE_TOO_BIG = 1009;
export const INTERNAL_ERROR = 1011;
export const TRY_AGAIN_LATER = 1013;
/** Not a wire code: what the record says when a connection dropped without a close frame. */
export const ABNORMAL = 1006;

/** Codes a server may put on the wire (RFC 6455 §7.4.1, IANA registry, private 3000–4999). */
function sendableByServer(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

/** The code a client is sent when the upstream closed with `code` (0: the event had none). */
export function codeForClient(code: number): number {
  if (code === 1005) return NORMAL;
  if (code === 0 || code === ABNORMAL || code === 1015) return INTERNAL_ERROR;
  return sendableByServer(code) ? code : INTERNAL_ERROR;
}

/** The code the upstream is sent when the client closed with `code`. */
export function codeForUpstream(code: number): number {
  return code === NORMAL || (code >= 3000 && code <= 4999) ? code : NORMAL;
}

/** What a record says the client closed with: 0 (no code at all) is a dropped connection. */
export function recordedCode(code: number): number {
  return code === 0 ? ABNORMAL : code;
}

/** Close reasons are at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125-byte control payloads). */
const MAX_REASON_BYTES = 123;

/** `reason` cut to fit a close frame, never inside a character. */
export function fitReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  let end = MAX_REASON_BYTES;
  // Back up over UTF-8 continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}
