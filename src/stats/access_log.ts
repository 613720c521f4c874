/**
 * One line per request on stdout, batched: lines are queued and written together at most every
 * 100 ms, so logging costs a string push on the request path rather than a synchronous write.
 */
import type { Recorder, RequestRecord } from "./record.ts";

export interface AccessLogOptions {
  write?: (text: string) => void;
  flushMs?: number;
}

export class AccessLog implements Recorder {
  readonly #write: (text: string) => void;
  readonly #flushMs: number;
  #lines: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: AccessLogOptions = {}) {
    const encoder = new TextEncoder();
    this.#write = options.write ?? ((text) => Deno.stdout.writeSync(encoder.encode(text)));
    this.#flushMs = options.flushMs ?? 100;
  }

  record(r: RequestRecord): void {
    this.#lines.push(formatLine(r));
    this.#timer ??= setTimeout(() => this.flush(), this.#flushMs);
  }

  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const text = this.#lines.join("\n") + "\n";
    this.#lines = [];
    this.#write(text);
  }
}

/** `2026-11-22T10:00:00.000Z 200 chat openai gpt-4o key=alice attempts=1 tokens=12+34 512ms id=…` */
export function formatLine(r: RequestRecord): string {
  const parts = [
    new Date(r.time).toISOString(),
    String(r.status),
    r.stream ? `${r.endpoint}~stream` : r.endpoint,
    r.channel ?? "-",
    r.model ?? "-",
    `key=${r.key}`,
    `attempts=${r.attempts}`,
  ];
  if (r.usage) parts.push(`tokens=${r.usage.prompt}+${r.usage.completion}`);
  parts.push(`${Math.round(r.latencyMs)}ms`);
  if (r.ttfbMs !== undefined && r.stream) parts.push(`ttfb=${Math.round(r.ttfbMs)}ms`);
  parts.push(`id=${r.requestId}`);
  if (r.error) parts.push(`error=${JSON.stringify(r.error)}`);
  return parts.join(" ");
}
