/**
 * One event's text into its fields, by the SSE spec's line rules: `data` lines joined with "\n"
 * (one leading space dropped), `event` and `id` kept, comments and `retry` ignored. An event
 * with no data is nothing to dispatch.
 */
import type { SseEvent } from "./event.ts";
import { SseFramer } from "./framer.ts";

const decoder = new TextDecoder();

/** The event in `bytes` (one framed event), or undefined when it carries no data. */
export function parseEvent(bytes: Uint8Array): SseEvent | undefined {
  return parseEventText(decoder.decode(bytes));
}

export function parseEventText(text: string): SseEvent | undefined {
  let data: string | undefined;
  let event: string | undefined;
  let id: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "" || line.charCodeAt(0) === 58 /* ":" */) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* " " */) value = value.slice(1);
    if (field === "data") data = data === undefined ? value : `${data}\n${value}`;
    else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\0")) id = value;
  }
  if (data === undefined) return undefined;
  const out: SseEvent = { data };
  if (event) out.event = event;
  if (id !== undefined) out.id = id;
  return out;
}

/** Every complete event in `text` (a whole stream body), parsed. */
export function parseEvents(text: string): SseEvent[] {
  const framer = new SseFramer(Number.POSITIVE_INFINITY);
  const events: SseEvent[] = [];
  for (const bytes of framer.push(new TextEncoder().encode(text))) {
    const event = parseEvent(bytes);
    if (event) events.push(event);
  }
  return events;
}
