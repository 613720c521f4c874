/**
 * The one record a request leaves. The HTTP layer opens it when the request arrives and closes it
 * when the response is sent, whatever the route and however it failed — unless a stream took it
 * over (`defer`), in which case the stream closes it when it ends. Routes and the proxy fill in
 * what they learn on the way (key, model, channel, attempts, usage). Closing twice records once.
 */
import type { Recorder, RequestRecord } from "./record.ts";

type Fields = Omit<RequestRecord, "time" | "requestId" | "status" | "latencyMs" | "protocol">;

export class RequestLog {
  readonly fields: Fields;
  #deferred = false;
  #closed = false;
  #onClose: ((record: RequestRecord) => void)[] = [];

  constructor(
    private readonly recorder: Recorder,
    readonly requestId: string,
    /** Arrival on the wall clock (epoch ms) and on the monotonic clock. */
    readonly time: number,
    readonly startedAt: number,
    readonly protocol: RequestRecord["protocol"] = "http",
  ) {
    this.fields = { key: "-", endpoint: "-", attempts: 0, stream: false };
  }

  /** Adds what is known so far. */
  set(fields: Partial<Fields>): void {
    Object.assign(this.fields, fields);
  }

  /** Runs `fn` with the final record when the request is recorded (quota settlement). */
  onClose(fn: (record: RequestRecord) => void): void {
    this.#onClose.push(fn);
  }

  /** A stream takes over: it will close the record when it ends. */
  defer(): void {
    this.#deferred = true;
  }

  get deferred(): boolean {
    return this.#deferred;
  }

  /** Records the request once, with its final status; later calls do nothing. */
  close(status: number, now: number, fields: Partial<Fields> = {}): void {
    if (this.#closed) return;
    this.#closed = true;
    const record: RequestRecord = {
      ...this.fields,
      ...fields,
      time: this.time,
      requestId: this.requestId,
      status,
      protocol: this.protocol,
      latencyMs: now - this.startedAt,
    };
    for (const fn of this.#onClose) fn(record);
    this.recorder.record(record);
  }
}
