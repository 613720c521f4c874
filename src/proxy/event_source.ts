/**
 * Where a relayed stream's events come from: an upstream's SSE body, framed and bounded, read
 * under the call's deadlines; or a whole answer replayed as the chunks a stream would have sent
 * (for a streaming client of a channel that serves only whole answers).
 */
import { UpstreamError } from "../errors.ts";
import { answerToChunks } from "../formats/openai_stream.ts";
import type { SseEvent } from "../sse/event.ts";
import { DONE } from "../sse/event.ts";
import { EventTooLargeError, SseFramer } from "../sse/framer.ts";
import { parseEvent } from "../sse/parse.ts";
import type { UpstreamCall } from "./upstream_call.ts";

/** One event, with the upstream's own bytes when it came off the wire. */
export interface WireEvent {
  event: SseEvent;
  raw?: Uint8Array;
  /** `JSON.parse(event.data)`, once someone needed it. */
  json?: unknown;
}

export interface EventSource {
  /** The next event, or undefined at the end. @throws {UpstreamError} when the upstream fails. */
  next(): Promise<WireEvent | undefined>;
  /** Stops reading (the client left, or the relay is done with it). */
  cancel(): void;
}

/**
 * Events off an upstream body. Bytes are counted as they arrive, so `maxBytes` bounds what one
 * stream may send in total and what one unfinished event may hold.
 */
export function upstreamEvents(
  body: ReadableStream<Uint8Array>,
  call: UpstreamCall,
  maxBytes: number,
): EventSource {
  const reader = body.getReader();
  call.attach(reader);
  const framer = new SseFramer(maxBytes);
  const queue: Uint8Array[] = [];
  let received = 0;
  let ended = false;
  return {
    async next() {
      while (true) {
        const raw = queue.shift();
        if (raw !== undefined) {
          const event = parseEvent(raw);
          if (event) return { event, raw };
          continue;
        }
        if (ended) return undefined;
        const { done, value } = await reader.read().catch((error) => {
          throw call.expired ?? error;
        });
        if (call.expired) throw call.expired;
        if (done) {
          ended = true;
          queue.push(...framer.end());
          continue;
        }
        call.touch();
        received += value.byteLength;
        if (received > maxBytes) {
          throw new UpstreamError(502, `Upstream stream exceeded ${maxBytes} bytes`);
        }
        try {
          queue.push(...framer.push(value));
        } catch (error) {
          if (error instanceof EventTooLargeError) throw new UpstreamError(502, error.message);
          throw error;
        }
      }
    },
    cancel() {
      ended = true;
      call.abort();
      reader.cancel().catch(() => {});
    },
  };
}

/** The chunks a streaming upstream would have sent for a whole OpenAI answer, then `[DONE]`. */
export function replayedEvents(answer: Record<string, unknown>): EventSource {
  const events: WireEvent[] = answerToChunks(answer).map((chunk) => ({
    event: { data: JSON.stringify(chunk) },
    json: chunk,
  }));
  events.push({ event: { data: DONE } });
  let index = 0;
  return {
    next: () => Promise.resolve(events[index++]),
    cancel() {
      index = events.length;
    },
  };
}
