/**
 * Server-sent events in and out. Parsing is eventsource-parser's; serialising is the inverse of
 * the spec's line rules, so an event relayed unchanged keeps its bytes.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { SseEvent } from "../plugin/contract.ts";

/** Upstream bytes → parsed events. */
export function parseSse(body: ReadableStream<Uint8Array>): ReadableStream<SseEvent> {
  return body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
}

/** One event as wire text: `event:` and `id:` lines when set, one `data:` line per data line. */
export function formatSse(event: SseEvent): string {
  let text = "";
  if (event.event) text += `event: ${event.event}\n`;
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  text += event.data.includes("\n")
    ? event.data.split("\n").map((line) => `data: ${line}\n`).join("")
    : `data: ${event.data}\n`;
  return text + "\n";
}

/** The terminator of OpenAI-style streams. */
export const DONE = "[DONE]";
