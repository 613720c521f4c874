/**
 * After a Responses request succeeded: remember it, unless the client said `store: false`. A
 * native answer is remembered as "channel X stores response R" (its id read from the answer, or
 * from a stream's first event, `response.created`); a converted one as its whole conversation.
 *
 * The write finishes before the client sees the end of the answer (the last byte of a stream
 * waits for it), so a follow-up sent the moment an answer arrives finds it. A failed write is
 * logged and costs the client nothing but the follow-up.
 */
import type { Logger } from "../../log/logger.ts";
import { SseFramer } from "../../sse/framer.ts";
import { parseEvent } from "../../sse/parse.ts";
import { rememberConversation, rememberNative } from "../../store/responses.ts";
import type { ResponsesIngress } from "./ingress.ts";

export interface RememberOptions {
  kv: Deno.Kv;
  ingress: ResponsesIngress;
  /** The gateway key's name: only it may read the response back. */
  keyName: string;
  /** The model the client asked for. */
  model: string;
  log: Logger;
  /** Bound on the first event of a native stream. */
  maxEventBytes: number;
}

/** `response`, passed through, with the response remembered on the way. */
export async function remember(response: Response, o: RememberOptions): Promise<Response> {
  const served = o.ingress.served();
  if (!served || response.headers.get("x-sluice-channel") !== served.channel) return response;
  const meta = { key: o.keyName, channel: served.channel, model: o.model, createdAt: Date.now() };
  const store = async (id: string | undefined) => {
    try {
      if (served.native) {
        if (id) await rememberNative(o.kv, id, meta);
        return;
      }
      const final = o.ingress.finalResponse();
      if (!final) return;
      const stored = await rememberConversation(o.kv, meta, {
        input: o.ingress.items(),
        response: final as unknown as { id: string; output: Record<string, unknown>[] },
      });
      if (!stored) o.log.warn(`Response ${final.id} is too large to store; follow-ups get 404`);
    } catch (error) {
      o.log.warn(`Could not store response: ${error instanceof Error ? error.message : error}`);
    }
  };
  if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
    if (!served.native) {
      await store(undefined);
      return response;
    }
    const text = await response.text();
    await store(idOf(text));
    return new Response(text, { status: response.status, headers: response.headers });
  }
  return new Response(
    response.body.pipeThrough(tap(served.native, o.maxEventBytes, store)),
    { status: response.status, headers: response.headers },
  );
}

/**
 * Passes a stream through; for a native one reads the response id from the first event. When the
 * stream ends (not when the client leaves) the response is stored before the stream closes.
 */
function tap(
  native: boolean,
  maxEventBytes: number,
  store: (id: string | undefined) => Promise<void>,
): TransformStream<Uint8Array, Uint8Array> {
  let framer: SseFramer | undefined = native ? new SseFramer(maxEventBytes) : undefined;
  let id: string | undefined;
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      if (!framer) return;
      try {
        for (const bytes of framer.push(chunk)) {
          const event = parseEvent(bytes);
          if (!event) continue;
          id = idOf(event.data, "response");
          framer = undefined;
          break;
        }
      } catch {
        framer = undefined;
      }
    },
    async flush() {
      await store(id);
    },
  });
}

/** The `id` of a JSON object (or of its `field` object), if it has a string one. */
function idOf(text: string, field?: string): string | undefined {
  try {
    const json = JSON.parse(text);
    const holder = field ? json?.[field] : json;
    return typeof holder?.id === "string" ? holder.id : undefined;
  } catch {
    return undefined;
  }
}
