/**
 * Makes strings safe to put in a text log line. A model name, a key name or any other string a
 * client can influence may hold a newline (which would start a forged line), ANSI escapes (which
 * would repaint the operator's terminal) or a space and `key=` (which would forge a field).
 */

/** Unicode line separators and bidirectional overrides: a terminal or an editor acts on them. */
const INVISIBLE = "\\u2028\\u2029\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069";

/** What ends a field or a line, or what a terminal interprets: controls (C0, DEL, C1),
 * whitespace, quotes, backslashes and {@link INVISIBLE}. */
const UNSAFE = new RegExp(`[\\s"\\\\\\x00-\\x1f\\x7f-\\x9f${INVISIBLE}]`);

/** What JSON.stringify leaves raw. */
const RAW_AFTER_JSON = new RegExp(`[\\x7f-\\x9f${INVISIBLE}]`, "g");

/** Controls in free text, except the newline, which {@link escapeText} handles by indenting. */
const TEXT_CONTROLS = new RegExp(`[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f${INVISIBLE}]`, "g");

function unicodeEscape(char: string): string {
  if (char === "\t") return "\\t";
  if (char === "\r") return "\\r";
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * One field of a space-separated line: returned as is when it is plain, otherwise as a
 * double-quoted JSON string with every control escaped, so it stays one field on one line.
 *
 * @example
 * escapeField("gpt-4o");              // gpt-4o
 * escapeField("x\n2026 200 forged");  // "x\n2026 200 forged" (quoted, one line)
 */
export function escapeField(value: string): string {
  if (value !== "" && !UNSAFE.test(value)) return value;
  return quote(value);
}

/** A JSON string literal that is also safe on a terminal and in a line-oriented file. */
export function quote(value: string): string {
  return JSON.stringify(value).replace(RAW_AFTER_JSON, unicodeEscape);
}

/**
 * A free-text message (ours, but it may embed client strings): controls are escaped and every
 * line after the first is indented, so only the first line can start with a timestamp and a
 * multi-line message (a config error listing its problems) cannot pass for several records.
 */
export function escapeText(message: string): string {
  const escaped = message.replace(TEXT_CONTROLS, unicodeEscape);
  return escaped.includes("\n") ? escaped.replaceAll("\n", "\n  ") : escaped;
}
