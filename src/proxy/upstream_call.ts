/**
 * The life of one upstream call: the abort signal its fetch runs under and the deadlines it must
 * keep. Before the first byte one deadline applies (the channel's timeout, capped by what is left
 * of the request's budget); once a stream flows, the stream deadline and the longest silence
 * between events. At a deadline the fetch is aborted *and* the body's reader cancelled: aborting
 * the signal alone does not stop a body that is already being read.
 *
 * The client leaving aborts the call too. Reading `request.signal` and listening on it is costly
 * per request, so a call subscribes only once it has been in flight for a second; before that, a
 * departed client's answer is simply not read (streams notice through their own cancel).
 */
import { UpstreamError } from "../errors.ts";
import type { DeadlineWheel, Watched } from "./deadlines.ts";

/** Calls that outlive this subscribe to the client's abort signal. */
const CLIENT_WATCH_AFTER_MS = 1_000;

export class UpstreamCall implements Watched {
  readonly #controller = new AbortController();
  readonly #wheel: DeadlineWheel;
  readonly #clientSignal: () => AbortSignal;
  readonly #startedAt: number;
  #dueAt: number;
  #limitMs: number;
  #what: string;
  #idleMs = Number.POSITIVE_INFINITY;
  #lastActivity: number;
  #reader: { cancel(reason?: unknown): Promise<void> } | undefined;
  #expired: UpstreamError | undefined;
  #client: AbortSignal | undefined;
  #clientLeft = false;
  readonly #onClientAbort = () => {
    this.#clientLeft = true;
    this.#controller.abort(new DOMException("Client left", "AbortError"));
  };

  /**
   * @param firstByteMs the deadline until `streaming()` is called
   * @param what names that deadline in messages ("First byte", or "Stream" for a call whose
   * whole exchange has one deadline)
   */
  constructor(
    wheel: DeadlineWheel,
    firstByteMs: number,
    clientSignal: () => AbortSignal,
    what = "First byte",
  ) {
    this.#wheel = wheel;
    this.#clientSignal = clientSignal;
    this.#startedAt = this.#lastActivity = wheel.now();
    this.#limitMs = firstByteMs;
    this.#dueAt = this.#startedAt + firstByteMs;
    this.#what = what;
    wheel.add(this);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why the call was ended by a deadline, if it was. */
  get expired(): UpstreamError | undefined {
    return this.#expired;
  }

  /** Whether the client has gone (as far as the call knows: it listens after a second). */
  get clientGone(): boolean {
    return this.#clientLeft;
  }

  /** The stream is flowing: from now on the stream deadline and the idle limit apply. */
  streaming(streamMs: number, idleMs: number): void {
    const now = this.#wheel.now();
    this.#what = "Stream";
    this.#limitMs = streamMs;
    this.#dueAt = now + streamMs;
    this.#idleMs = idleMs;
    this.#lastActivity = now;
  }

  /** Cancels `reader` too when a deadline passes. */
  attach(reader: { cancel(reason?: unknown): Promise<void> }): void {
    this.#reader = reader;
  }

  /** Bytes arrived: the idle clock starts over. */
  touch(): void {
    this.#lastActivity = this.#wheel.now();
  }

  check(now: number): void {
    if (this.#expired) return;
    if (now >= this.#dueAt) {
      this.expire(
        new UpstreamError(
          504,
          `${this.#what} timed out after ${seconds(this.#limitMs)}`,
          "timeout_error",
        ),
      );
    } else if (now - this.#lastActivity >= this.#idleMs) {
      this.expire(
        new UpstreamError(
          504,
          `Upstream stream was silent for ${this.#idleMs / 1000}s`,
          "timeout_error",
        ),
      );
    } else if (this.#client === undefined && now - this.#startedAt >= CLIENT_WATCH_AFTER_MS) {
      this.#client = this.#clientSignal();
      if (this.#client.aborted) this.#onClientAbort();
      else this.#client.addEventListener("abort", this.#onClientAbort, { once: true });
    }
  }

  /** Ends the call now for `reason`: the fetch is aborted and the reader cancelled. */
  expire(reason: UpstreamError): void {
    if (this.#expired) return;
    this.#expired = reason;
    this.#controller.abort(new DOMException(reason.message, "TimeoutError"));
    this.#reader?.cancel(reason).catch(() => {});
    this.done();
  }

  /** Aborts the call without a deadline verdict (the client left, or the stream was dropped). */
  abort(): void {
    this.#controller.abort(new DOMException("Call cancelled", "AbortError"));
    this.done();
  }

  /** The call is over: stop checking it and stop listening to the client. */
  done(): void {
    this.#wheel.delete(this);
    this.#client?.removeEventListener("abort", this.#onClientAbort);
  }
}

/** `500ms`, `1.5s`, `300s`: how deadlines read in messages. */
export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Math.round(ms / 100) / 10}s`;
}
