/**
 * Relays a stream to the client, event by event, holding no more than one event. Until something
 * reaches the client the stream is uncommitted: an error then (a 200 whose first event is an
 * error, a stream that ends empty, a deadline) is handed back so the request can fail over. After
 * that, errors end the client's stream with an error event in its dialect, and the summary says
 * whose fault it was: the upstream's (it counts against the channel), the client's (it left), or
 * ours (a bug, logged, never counted against anyone).
 */
import { InternalError, UpstreamError } from "../errors.ts";
import { chunksToAnswer } from "../formats/openai_stream.ts";
import type { SseEvent } from "../sse/event.ts";
import { DONE } from "../sse/event.ts";
import { encodeEvent } from "../sse/encode.ts";
import type { TokenUsage } from "../stats/record.ts";
import type { EventSource, WireEvent } from "./event_source.ts";
import { type EventPipeline, jsonOf } from "./stream_pipeline.ts";

export interface StreamSummary {
  usage?: TokenUsage;
  /** Why the stream ended early, if it did. */
  error?: string;
  /** Who ended it early: the upstream (a failure of the channel), the client, or a bug. */
  fault?: "upstream" | "client" | "gateway";
  /** For a bug: what was thrown, for the log. */
  cause?: unknown;
  /** The upstream events' data, for estimating what the upstream did not report. */
  relayed?: readonly string[];
}

export interface RelayOptions {
  source: EventSource;
  pipeline: EventPipeline;
  /** Renders an error as the last event, in the client's dialect. */
  errorEvent(error: UpstreamError | InternalError): SseEvent;
  onEnd(summary: StreamSummary): void;
}

export type StreamStart =
  | { ok: true; body: ReadableStream<Uint8Array> }
  | { ok: false; error: UpstreamError | InternalError };

const encoder = new TextEncoder();

/** Reads up to the first event the client would see, then hands back the client's stream. */
export async function startStream(o: RelayOptions): Promise<StreamStart> {
  const { source, pipeline } = o;
  let first: WireEvent[] = [];
  let ended = false;
  try {
    while (first.length === 0) {
      const wire = await source.next();
      if (wire === undefined) {
        ended = true;
        first = pipeline.end();
        if (first.length === 0) {
          throw new UpstreamError(502, "Upstream stream ended before sending any event");
        }
      } else first = pipeline.process(wire);
    }
  } catch (error) {
    source.cancel();
    return { ok: false, error: asStreamError(error) };
  }

  let finished = false;
  const finish = (summary: Omit<StreamSummary, "usage">) => {
    if (finished) return;
    finished = true;
    o.onEnd({ ...summary, usage: pipeline.usage, relayed: pipeline.relayed });
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      enqueue(controller, first);
      if (ended) {
        controller.close();
        finish({});
      }
    },
    async pull(controller) {
      try {
        while (true) {
          const wire = await source.next();
          if (wire === undefined) {
            enqueue(controller, pipeline.end());
            controller.close();
            finish({});
            return;
          }
          const out = pipeline.process(wire);
          if (out.length > 0) return enqueue(controller, out);
        }
      } catch (error) {
        if (finished) return;
        const failure = asStreamError(error);
        source.cancel();
        controller.enqueue(encoder.encode(encodeEvent(o.errorEvent(failure))));
        controller.close();
        finish(
          failure instanceof InternalError
            ? { error: failure.message, fault: "gateway", cause: failure.cause }
            : { error: failure.message, fault: "upstream" },
        );
      }
    },
    cancel() {
      source.cancel();
      finish({ error: "client closed the stream", fault: "client" });
    },
  });
  return { ok: true, body };
}

/**
 * A stream read to its end and folded into one OpenAI answer, for a client that wants a whole
 * answer from a channel that only streams. An error event anywhere is an error.
 */
export async function gatherStream(
  source: EventSource,
  pipeline: EventPipeline,
): Promise<{ answer: Record<string, unknown>; usage?: TokenUsage }> {
  const chunks: Record<string, unknown>[] = [];
  const collect = (events: WireEvent[]) => {
    for (const wire of events) {
      if (wire.event.data === DONE) continue;
      const chunk = jsonOf(wire) as Record<string, unknown> | undefined;
      if (!chunk) throw new UpstreamError(502, "Upstream sent a stream event that is not JSON");
      const error = chunk.error as { message?: unknown } | undefined;
      if (error) {
        throw new UpstreamError(
          502,
          typeof error.message === "string" ? error.message : "Upstream stream error",
        );
      }
      chunks.push(chunk);
    }
  };
  try {
    while (true) {
      const wire = await source.next();
      if (wire === undefined) break;
      collect(pipeline.process(wire));
    }
    collect(pipeline.end());
  } catch (error) {
    source.cancel();
    throw asStreamError(error);
  }
  return { answer: chunksToAnswer(chunks), usage: pipeline.usage };
}

function enqueue(controller: ReadableStreamDefaultController<Uint8Array>, events: WireEvent[]) {
  for (const wire of events) {
    controller.enqueue(wire.raw ?? encoder.encode(encodeEvent(wire.event)));
  }
}

/** Errors while reading: ours stay ours; anything else the upstream's connection failing. */
function asStreamError(error: unknown): UpstreamError | InternalError {
  if (error instanceof UpstreamError || error instanceof InternalError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(502, `Upstream stream failed: ${message}`);
}
