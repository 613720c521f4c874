/**
 * Serving a request in the other stream mode than the channel supports (`stream: false` or
 * `non_stream: false` on a channel): a whole answer is replayed as a stream for a streaming
 * client, or a stream is gathered into one answer for a non-streaming client.
 */
import { answerToChunks, chunksToAnswer } from "../formats/openai_stream.ts";
import { DONE, formatSse, parseSse } from "./sse.ts";
import type { StreamSummary } from "./stream.ts";
import type { TokenUsage } from "../stats/record.ts";

const encoder = new TextEncoder();

/** An OpenAI-style SSE response replaying `answer`; `onEnd` runs when the client has it all. */
export function streamFromAnswer(
  answer: Record<string, unknown>,
  options: { clientWantsUsage: boolean; usage?: TokenUsage; onEnd(summary: StreamSummary): void },
): Response {
  const events = answerToChunks(answer)
    .filter((c) =>
      options.clientWantsUsage || !(Array.isArray(c.choices) && c.choices.length === 0)
    )
    .map((c) => formatSse({ data: JSON.stringify(c) }));
  events.push(formatSse({ data: DONE }));
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < events.length) {
        controller.enqueue(encoder.encode(events[index++]));
        return;
      }
      controller.close();
      options.onEnd({ usage: options.usage, clientGone: false });
    },
    cancel() {
      options.onEnd({ usage: options.usage, clientGone: true, error: "client closed the stream" });
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}

/** Gathers an OpenAI-style SSE body into one answer; an in-stream error event is an error. */
export async function answerFromStream(
  body: ReadableStream<Uint8Array>,
): Promise<{ answer: Record<string, unknown> } | { error: string }> {
  const chunks: Record<string, unknown>[] = [];
  for await (const event of parseSse(body)) {
    if (event.data === DONE) continue;
    const parsed = JSON.parse(event.data) as Record<string, unknown>;
    if (parsed.error) {
      const error = parsed.error as { message?: unknown };
      return { error: typeof error.message === "string" ? error.message : "Upstream stream error" };
    }
    chunks.push(parsed);
  }
  return { answer: chunksToAnswer(chunks) };
}
