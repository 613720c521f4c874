/**
 * Relays an upstream event stream to the client, event by event, with no buffering beyond one
 * event. Before anything reaches the client the stream is still "uncommitted": an error there
 * (a 200 whose first event is an error, or a stream that ends empty) is returned to the caller
 * so it can fail over. After that, errors end the client's stream with an error event.
 */
import type { AnyPlugin } from "../plugin/validate.ts";
import { type SseEvent, type StreamContext, UpstreamError } from "../plugin/contract.ts";
import type { TokenUsage } from "../stats/record.ts";
import { DONE, formatSse, parseSse } from "./sse.ts";
import { HAS_USAGE, toTokenUsage } from "./usage.ts";

export interface StreamSummary {
  usage?: TokenUsage;
  /** Why the stream ended early, if it did. */
  error?: string;
  /** The client went away before the end. */
  clientGone: boolean;
}

export interface StreamRelayInput {
  upstream: ReadableStream<Uint8Array>;
  plugin: AnyPlugin;
  ctx: StreamContext<unknown, unknown>;
  /** OpenAI-style stream: ends with `data: [DONE]` and carries usage in a `choices: []` chunk. */
  openAIStyle: boolean;
  /** The client asked for the usage chunk; otherwise the one the gateway asked for is dropped. */
  clientWantsUsage: boolean;
  maxBytes: number;
  /** Longest silence between upstream events once the stream flows. */
  idleMs: number;
  /** Renders an error as the last event of a committed stream. */
  errorEvent(error: UpstreamError): SseEvent;
  /** Cancels the upstream call (client gone, or silent too long). */
  abortUpstream(reason?: unknown): void;
  onEnd(summary: StreamSummary): void;
}

export type StreamStart =
  | { ok: true; body: ReadableStream<Uint8Array> }
  | { ok: false; error: UpstreamError };

const encoder = new TextEncoder();
/** A chunk that carries a (non-null) finish reason. */
const FINISHED = /"finish_reason"\s*:\s*"/;

/** Reads up to the first client-visible event, then hands back the client's stream. */
export async function startStream(input: StreamRelayInput): Promise<StreamStart> {
  const { plugin, ctx } = input;
  const reader = parseSse(input.upstream).getReader();
  let usage: TokenUsage | undefined;
  let sawDone = false;
  let sawFinish = false;
  let bytes = 0;
  let ended = false;
  let pluginUsage = false;

  const end = (summary: Omit<StreamSummary, "usage">) => {
    if (ended) return;
    ended = true;
    input.onEnd({ ...summary, usage });
  };

  /** Wire text for events bound for the client, noting [DONE], finish and usage on the way. */
  const emit = (outputs: SseEvent[]): string => {
    let text = "";
    for (const out of outputs) {
      if (!sawFinish && FINISHED.test(out.data)) sawFinish = true;
      if (out.data === DONE) sawDone = true;
      else if (input.openAIStyle && HAS_USAGE.test(out.data)) {
        const chunk = safeJson(out.data) as { usage?: never; choices?: unknown[] } | undefined;
        // The plugin's own reading of the upstream's usage, when it has one, is the richer one.
        if (!pluginUsage) usage = toTokenUsage(chunk?.usage) ?? usage;
        if (!input.clientWantsUsage && chunk?.choices?.length === 0) continue;
      }
      text += formatSse(out);
    }
    return text;
  };

  /** Output text for one upstream event; "" when nothing is for the client. */
  const process = (event: SseEvent, first: boolean): string => {
    // Parse only events that can carry usage (`usage`, `usageMetadata`, ...): most stream events
    // are plain content deltas.
    if (plugin.extractUsage && /usage/i.test(event.data)) {
      const found = toTokenUsage(plugin.extractUsage(safeJson(event.data), ctx));
      if (found) {
        usage = found;
        pluginUsage = true;
      }
    }
    return emit(
      plugin.transformStreamEvent
        ? plugin.transformStreamEvent(event, ctx)
        : passThrough(event, first),
    );
  };

  const finish = (): string => {
    let text = plugin.endStream ? emit(plugin.endStream(ctx)) : "";
    if (input.openAIStyle && !sawDone) {
      // A stream that stops with neither a finish reason nor [DONE] was cut short, whether
      // relayed or converted; appending [DONE] would tell the client it got everything.
      if (!sawFinish) {
        throw new UpstreamError(502, "Upstream stream ended before it finished (truncated)");
      }
      text += formatSse({ data: DONE });
    }
    return text;
  };

  // Uncommitted: read until the client would see something.
  let firstText = "";
  try {
    while (firstText === "") {
      const { done, value } = await reader.read();
      if (done) {
        throw new UpstreamError(502, "Upstream stream ended before sending any event");
      }
      firstText = process(value, true);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    return { ok: false, error: asUpstreamError(error, ctx) };
  }

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      bytes += firstText.length;
      controller.enqueue(encoder.encode(firstText));
    },
    async pull(controller) {
      try {
        while (true) {
          const { done, value } = await readWithin(reader, input.idleMs, input.abortUpstream);
          if (done) {
            const tail = finish();
            if (tail) controller.enqueue(encoder.encode(tail));
            controller.close();
            end({ clientGone: false });
            return;
          }
          const text = process(value, false);
          if (text === "") continue;
          bytes += text.length;
          if (bytes > input.maxBytes) {
            throw new UpstreamError(502, `Upstream stream exceeded ${input.maxBytes} bytes`);
          }
          controller.enqueue(encoder.encode(text));
          return;
        }
      } catch (error) {
        if (ended) return;
        const upstreamError = asUpstreamError(error, ctx);
        controller.enqueue(encoder.encode(formatSse(input.errorEvent(upstreamError))));
        controller.close();
        await reader.cancel().catch(() => {});
        end({ clientGone: false, error: upstreamError.message });
      }
    },
    async cancel() {
      input.abortUpstream();
      await reader.cancel().catch(() => {});
      end({ clientGone: true, error: "client closed the stream" });
    },
  });
  return { ok: true, body };
}

/** OpenAI-compatible upstreams: relay unchanged, but an error object as first event fails over. */
function passThrough(event: SseEvent, first: boolean): SseEvent[] {
  if (first && event.data.includes('"error"')) {
    const parsed = safeJson(event.data) as { error?: { message?: unknown; code?: unknown } };
    if (parsed?.error && typeof parsed.error === "object") {
      const code = Number(parsed.error.code);
      throw new UpstreamError(
        code >= 400 && code < 600 ? code : 502,
        typeof parsed.error.message === "string" ? parsed.error.message : "Upstream stream error",
      );
    }
  }
  return [event];
}

/** A read that gives up, aborting the upstream, after `ms` of silence. */
async function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  ms: number,
  abort: (reason: unknown) => void,
): Promise<ReadableStreamReadResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new UpstreamError(
        504,
        `Upstream stream was silent for ${ms / 1000}s`,
        "timeout_error",
      );
      abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } finally {
    clearTimeout(timer);
  }
}

function asUpstreamError(error: unknown, ctx: StreamContext<unknown, unknown>): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (ctx.signal.aborted && (ctx.signal.reason as Error)?.name === "TimeoutError") {
    return new UpstreamError(504, "Upstream stream timed out", "timeout_error");
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(502, `Upstream stream failed: ${message}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
