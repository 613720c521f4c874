/**
 * `streamGenerateContent` without `?alt=sse` answers with one JSON array whose elements arrive as
 * they are generated: `[{…}\n,\r\n{…}\n]`, the framing Google's REST endpoint uses (REST callers
 * and curl examples read it; the `@google/genai` SDK always asks for `alt=sse`). The gateway
 * streams SSE internally, so this reframes its events as array elements on the way out, one
 * event at a time; an error event becomes the array's last element, as Google sends it.
 *
 * Reference: https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent.
 */
import { SseFramer } from "../../sse/framer.ts";
import { parseEvent } from "../../sse/parse.ts";

const encoder = new TextEncoder();

/**
 * The SSE `body` as a streamed JSON array. `maxEventBytes` bounds one event (the gateway's
 * response limit), so a broken event source cannot grow memory.
 */
export function jsonArrayStream(
  body: ReadableStream<Uint8Array>,
  maxEventBytes: number,
): ReadableStream<Uint8Array> {
  const framer = new SseFramer(maxEventBytes);
  let first = true;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        for (const bytes of framer.push(chunk)) {
          const event = parseEvent(bytes);
          if (!event) continue;
          controller.enqueue(encoder.encode(`${first ? "[" : "\n,\r\n"}${event.data}`));
          first = false;
        }
      },
      flush(controller) {
        controller.enqueue(encoder.encode(first ? "[]" : "\n]"));
      },
    }),
  );
}

/** The same response, its SSE body reframed as a JSON array. */
export function asJsonArrayResponse(response: Response, maxEventBytes: number): Response {
  if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(jsonArrayStream(response.body, maxEventBytes), {
    status: response.status,
    headers,
  });
}
