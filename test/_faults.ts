/** Fault-injecting upstream behaviours for resilience tests. */
import { chatCompletion } from "./_harness.ts";
import { ResetBody } from "./_raw_upstream.ts";

const encoder = new TextEncoder();

export const chunk = (content: string, finish: string | null = null) => ({
  id: "chatcmpl-f",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "m",
  choices: [{ index: 0, delta: content ? { content } : {}, finish_reason: finish }],
});

/** Waits until the gateway gives up on the request (or `maxMs`, so servers can close). */
export function hang(request: Request, maxMs = 5_000): Promise<Response> {
  return new Promise((resolve) => {
    const done = () => resolve(new Response("late", { status: 200 }));
    request.signal.addEventListener("abort", done);
    setTimeout(done, maxMs);
  });
}

export const ok = (text: string) => Response.json(chatCompletion(text));

export const fail = (status: number, headers: Record<string, string> = {}) =>
  Response.json({ error: { message: `boom ${status}`, type: "server_error", code: null } }, {
    status,
    headers,
  });

/** A stream that sends `events` (gap between) then breaks the connection: raw upstreams only. */
export function resetStream(events: unknown[], gapMs = 0): ResetBody {
  return new ResetBody(events.map((e) => `data: ${JSON.stringify(e)}\n\n`), gapMs);
}

/** A stream that sends `events` (with `gapMs` between) and then either ends or stalls. */
export function stream(
  events: unknown[],
  options: { gapMs?: number; firstDelayMs?: number; then?: "done" | "stall" } = {},
  signal?: AbortSignal,
): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      if (options.firstDelayMs) await sleep(options.firstDelayMs);
      for (const event of events) {
        if (signal?.aborted) return;
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
        if (options.gapMs) await sleep(options.gapMs);
      }
      if (options.then === "stall") {
        await new Promise((r) => {
          signal?.addEventListener("abort", r);
          setTimeout(r, 5_000);
        });
        try {
          controller.close();
        } catch { /* cancelled */ }
      } else {
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}
