/**
 * An event as wire text: `event:` and `id:` lines when set, one `data:` line per data line. The
 * inverse of `parse.ts`, so an event relayed unchanged keeps its bytes.
 */
import type { SseEvent } from "./event.ts";

export function encodeEvent(event: SseEvent): string {
  let text = "";
  if (event.event) text += `event: ${event.event}\n`;
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  text += event.data.includes("\n")
    ? event.data.split("\n").map((line) => `data: ${line}\n`).join("")
    : `data: ${event.data}\n`;
  return text + "\n";
}
