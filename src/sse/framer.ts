/**
 * Splits an upstream byte stream into server-sent events, keeping each event's own bytes so an
 * event relayed unchanged goes out exactly as it came (no decode, parse and re-encode on the hot
 * path). Lines may end in LF, CRLF or CR, as the SSE spec allows; an event ends at a blank line.
 *
 * Bounded: the bytes of an incomplete event are held at most up to `maxEventBytes`, past which
 * `push` throws {@link EventTooLargeError}, so an upstream that never sends a newline cannot grow
 * memory. Scanning resumes where it stopped, so a long line arriving in small chunks costs linear
 * time. An incomplete event at the end of the stream is dropped, as the spec says.
 */
const LF = 10;
const CR = 13;

export class EventTooLargeError extends Error {
  override name = "EventTooLargeError";
  constructor(readonly limit: number) {
    super(`Upstream sent an event larger than ${limit} bytes`);
  }
}

export class SseFramer {
  /** Chunks (or their tails) holding the event in progress. */
  #parts: Uint8Array[] = [];
  #size = 0;
  /** The event in progress has bytes besides line ends. */
  #hasContent = false;
  /** The last byte seen ended a line, so a line end now is a blank line. */
  #atLineStart = true;
  /** The last byte seen was a CR, so an LF now is the rest of a CRLF. */
  #afterCr = false;

  constructor(readonly maxEventBytes: number) {}

  /** The events that `chunk` completes, each as the upstream's bytes. */
  push(chunk: Uint8Array): Uint8Array[] {
    const events: Uint8Array[] = [];
    let from = 0;
    let i = 0;
    if (this.#afterCr && chunk[0] === LF) {
      i = 1;
      // The LF of a CRLF whose CR ended an event belongs to nobody.
      if (this.#size === 0 && !this.#hasContent) from = 1;
    }
    this.#afterCr = false;
    let nextLf = -2;
    let nextCr = -2;
    while (i < chunk.byteLength) {
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i);
      if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
      const at = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextLf, nextCr);
      if (at === -1) {
        this.#atLineStart = false;
        this.#hasContent = true;
        break;
      }
      if (at > i) {
        this.#atLineStart = false;
        this.#hasContent = true;
      }
      let end = at + 1;
      if (chunk[at] === CR) {
        if (end === chunk.byteLength) this.#afterCr = true;
        else if (chunk[end] === LF) end++;
      }
      if (this.#atLineStart) {
        // A blank line ends the event; blank lines with nothing before them are skipped.
        if (this.#hasContent) events.push(this.#take(chunk, from, end));
        else this.#drop();
        from = end;
        this.#hasContent = false;
      }
      this.#atLineStart = true;
      i = end;
    }
    if (from < chunk.byteLength) {
      this.#parts.push(from === 0 ? chunk : chunk.subarray(from));
      this.#size += chunk.byteLength - from;
      if (this.#size > this.maxEventBytes) throw new EventTooLargeError(this.maxEventBytes);
    }
    return events;
  }

  /** The event held so far plus `chunk[from, end)`, as one array (a view when it can be). */
  #take(chunk: Uint8Array, from: number, end: number): Uint8Array {
    if (this.#size === 0) return chunk.subarray(from, end);
    const out = new Uint8Array(this.#size + end - from);
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    out.set(chunk.subarray(from, end), offset);
    this.#drop();
    return out;
  }

  #drop(): void {
    this.#parts = [];
    this.#size = 0;
  }

  /** At the end of the stream: anything held is an event the upstream never finished. */
  end(): Uint8Array[] {
    this.#drop();
    return [];
  }
}
