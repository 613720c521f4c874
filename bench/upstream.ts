/**
 * A local OpenAI-shaped upstream for the benchmark, run as its own process so it never shares an
 * event loop with the gateway or the client measuring it.
 *
 *   deno run --allow-net bench/upstream.ts --port 9211
 *
 * - non-stream requests get the same static completion as the nginx reference (the fallback
 *   upstream when nginx is missing);
 * - `"stream": true` streams a few chunks, the first one flushed on its own, then `[DONE]`;
 * - model `bench-slow` streams one chunk a second until the client goes away (memory test);
 *   `GET /active` counts those still open.
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: { port: { type: "string" }, hostname: { type: "string", default: "127.0.0.1" } },
});

/** Byte-identical to the body nginx.conf returns on 9201. */
const STATIC_BODY =
  '{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the reference upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}';

const encoder = new TextEncoder();

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null) {
  const event = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return encoder.encode(`data: ${JSON.stringify(event)}\n\n`);
}

function usageChunk(model: string) {
  const event = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
  };
  return encoder.encode(`data: ${JSON.stringify(event)}\n\ndata: [DONE]\n\n`);
}

/** First chunk at once, the rest 2 ms later: a gateway that buffers shows it in TTFB. */
function quickStream(model: string): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(chunk(model, { role: "assistant", content: "Hello" }));
      timer = setTimeout(() => {
        for (const word of [" from", " the", " bench", " upstream."]) {
          controller.enqueue(chunk(model, { content: word }));
        }
        controller.enqueue(chunk(model, {}, "stop"));
        controller.enqueue(usageChunk(model));
        controller.close();
      }, 2);
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}

/** Slow streams being served now; `GET /active` reports it, so the bench can spot leaks. */
let active = 0;

/** One chunk a second until cancelled: holds a stream open for as long as the client wants. */
function slowStream(model: string): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer === undefined) return;
    clearInterval(timer);
    timer = undefined;
    active--;
  };
  return new ReadableStream({
    start(controller) {
      active++;
      controller.enqueue(chunk(model, { role: "assistant", content: "." }));
      timer = setInterval(() => {
        try {
          controller.enqueue(chunk(model, { content: "." }));
        } catch {
          stop();
        }
      }, 1_000);
    },
    cancel: stop,
  });
}

const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

Deno.serve({
  hostname: values.hostname,
  port: Number(values.port ?? 9211),
  onListen() {},
}, async (request) => {
  if (request.method !== "POST") {
    return new URL(request.url).pathname === "/active"
      ? Response.json({ active })
      : new Response("ok");
  }
  let body: { model?: string; stream?: boolean } = {};
  try {
    body = await request.json();
  } catch {
    // The reference upstream ignores the body; so does this one.
  }
  const model = body.model ?? "bench-model";
  if (body.stream !== true) {
    return new Response(STATIC_BODY, { headers: { "content-type": "application/json" } });
  }
  const stream = model === "bench-slow" ? slowStream(model) : quickStream(model);
  return new Response(stream, { headers: sseHeaders });
});
