/**
 * What happens to each stream event between the upstream and the client, in order:
 *
 * 1. usage is read: the plugin's reading of the upstream's own form, else OpenAI's usage chunk;
 * 2. the plugin turns the upstream's dialect into the endpoint's (none: relayed as it came, but an
 *    error object as the very first event fails over);
 * 3. for OpenAI chunk streams, finish reasons and `[DONE]` are tracked and the usage chunk the
 *    gateway asked for is dropped for a client that did not ask;
 * 4. the ingress converts to the client's dialect (e.g. Anthropic events).
 *
 * Events are parsed once and keep the upstream's bytes until a stage replaces them, so a relayed
 * event goes out exactly as it came. A `TypeError` in a hook is a gateway bug
 * ({@link InternalError}), never the upstream's fault.
 */
import { InternalError, UpstreamError } from "../errors.ts";
import type { Usage } from "../formats/openai.ts";
import type { StreamConverter } from "../ingress/ingress.ts";
import type { SseEvent } from "../sse/event.ts";
import { DONE } from "../sse/event.ts";
import type { TokenUsage } from "../stats/record.ts";
import type { WireEvent } from "./event_source.ts";
import { HAS_USAGE, toTokenUsage } from "./usage.ts";

export interface PipelineOptions {
  requestId: string;
  /** The plugin's event conversion (stage 2), if it has one. */
  transform?: (event: SseEvent) => SseEvent[];
  /** The plugin's final events after the upstream's last one. */
  endStream?: () => SseEvent[];
  /** The plugin's usage reader (stage 1), if it has one. */
  extractUsage?: (data: unknown) => Usage | undefined;
  /** The endpoint streams OpenAI chunks (stage 3 applies). */
  openAIStream: boolean;
  clientWantsUsage: boolean;
  /** The ingress's conversion to the client's dialect (stage 4). */
  converter?: StreamConverter;
}

/** A chunk that carries a (non-null) finish reason. */
const FINISHED = /"finish_reason"\s*:\s*"/;

export class EventPipeline {
  usage: TokenUsage | undefined;
  /**
   * The data of every upstream event taken in (references, not copies): if the stream is cut
   * before its usage arrives, the completion is estimated from it (`src/usage/estimate.ts`).
   */
  readonly relayed: string[] = [];
  #pluginUsage = false;
  #sawDone = false;
  #sawFinish = false;
  #first = true;

  constructor(private readonly o: PipelineOptions) {}

  /** The events `wire` becomes for the client (often just itself). */
  process(wire: WireEvent): WireEvent[] {
    const first = this.#first;
    this.#first = false;
    const { o } = this;
    this.relayed.push(wire.event.data);
    if (o.extractUsage && /usage/i.test(wire.event.data)) {
      const found = toTokenUsage(this.#hook(() => o.extractUsage!(jsonOf(wire))));
      if (found) {
        this.usage = found;
        this.#pluginUsage = true;
      }
    }
    let outs: WireEvent[];
    if (o.transform) {
      outs = this.#hook(() => o.transform!(wire.event)).map((e) =>
        e === wire.event ? wire : { event: e }
      );
    } else {
      if (first) failOnErrorObject(wire);
      outs = [wire];
    }
    return this.#toClient(outs);
  }

  /**
   * The events that close the stream. An OpenAI chunk stream that ended with neither a finish
   * reason nor `[DONE]` was cut short: that is an error, never a `[DONE]` the client would trust.
   * @throws {UpstreamError}
   */
  end(): WireEvent[] {
    const { o } = this;
    const tail = o.endStream ? this.#hook(o.endStream).map((event) => ({ event })) : [];
    const out = this.#toClient(tail);
    if (o.openAIStream && !this.#sawDone) {
      if (!this.#sawFinish) {
        throw new UpstreamError(502, "Upstream stream ended before it finished (truncated)");
      }
      out.push(...this.#toClient([{ event: { data: DONE } }]));
    }
    if (o.converter) out.push(...this.#hook(() => o.converter!.end()).map((event) => ({ event })));
    return out;
  }

  /** Stages 3 and 4. */
  #toClient(events: WireEvent[]): WireEvent[] {
    const { o } = this;
    let out = events;
    if (o.openAIStream) {
      out = [];
      for (const wire of events) {
        const data = wire.event.data;
        if (data === DONE) this.#sawDone = true;
        else {
          if (!this.#sawFinish && FINISHED.test(data)) this.#sawFinish = true;
          if (HAS_USAGE.test(data)) {
            const chunk = jsonOf(wire) as { usage?: Usage; choices?: unknown[] } | undefined;
            if (!this.#pluginUsage) this.usage = toTokenUsage(chunk?.usage) ?? this.usage;
            if (!o.clientWantsUsage && chunk) {
              // The usage the gateway asked for is the gateway's: a usage-only chunk is dropped,
              // and a chunk that also carries choices (OpenAI's and Zhipu's last) loses its usage.
              if (chunk.choices?.length === 0) continue;
              const { usage: _, ...rest } = chunk;
              out.push({ event: { ...wire.event, data: JSON.stringify(rest) }, json: rest });
              continue;
            }
          }
        }
        out.push(wire);
      }
    }
    if (!o.converter) return out;
    const converted: WireEvent[] = [];
    for (const wire of out) {
      for (const event of this.#hook(() => o.converter!.convert(wire.event))) {
        converted.push({ event });
      }
    }
    return converted;
  }

  /** Runs a hook: its `UpstreamError` is the upstream's failure, anything else our bug. */
  #hook<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof UpstreamError || error instanceof InternalError) throw error;
      throw new InternalError(this.o.requestId, error);
    }
  }
}

/** `JSON.parse(wire.event.data)`, parsed at most once; undefined when it is not JSON. */
export function jsonOf(wire: WireEvent): unknown {
  if (wire.json === undefined) {
    try {
      wire.json = JSON.parse(wire.event.data);
    } catch {
      wire.json = null;
    }
  }
  return wire.json ?? undefined;
}

/** OpenAI-compatible upstreams may report an error as a 200 stream's first event. */
function failOnErrorObject(wire: WireEvent): void {
  if (!wire.event.data.includes('"error"')) return;
  const parsed = jsonOf(wire) as { error?: { message?: unknown; code?: unknown } } | undefined;
  if (!parsed?.error || typeof parsed.error !== "object") return;
  const code = Number(parsed.error.code);
  throw new UpstreamError(
    code >= 400 && code < 600 ? code : 502,
    typeof parsed.error.message === "string" ? parsed.error.message : "Upstream stream error",
  );
}
