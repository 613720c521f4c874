/**
 * One line per request on stdout, batched: lines are queued and written together at most every
 * 100 ms, so logging costs a string push on the request path rather than a synchronous write.
 * Text (the default) or JSON Lines, per `log.format`; either way a client-controlled string (a
 * model name, a channel named in a /proxy path, an error quoting either) stays inside its field
 * and can never forge or break a line.
 */
import type { LogSettings } from "../log/logger.ts";
import { escapeField, quote } from "../log/escape.ts";
import type { Recorder, RequestRecord } from "./record.ts";

export interface AccessLogOptions {
  write?: (text: string) => void;
  flushMs?: number;
  /** Read per line, so a reload's `log.format` applies at once. @default "text" */
  format?: () => LogSettings["format"];
}

export class AccessLog implements Recorder {
  readonly #write: (text: string) => void;
  readonly #flushMs: number;
  readonly #format: () => LogSettings["format"];
  #lines: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: AccessLogOptions = {}) {
    const encoder = new TextEncoder();
    this.#write = options.write ?? ((text) => writeAll(Deno.stdout, encoder.encode(text)));
    this.#flushMs = options.flushMs ?? 100;
    this.#format = options.format ?? (() => "text");
  }

  record(r: RequestRecord): void {
    this.#lines.push(this.#format() === "json" ? formatJson(r) : formatLine(r));
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
    r.channel === undefined ? "-" : escapeField(r.channel),
    r.model === undefined ? "-" : escapeField(r.model),
    `key=${escapeField(r.key)}`,
    `attempts=${r.attempts}`,
  ];
  if (r.usage) parts.push(`tokens=${r.usage.prompt}+${r.usage.completion}`);
  parts.push(`${Math.round(r.latencyMs)}ms`);
  if (r.ttfbMs !== undefined && r.stream) parts.push(`ttfb=${Math.round(r.ttfbMs)}ms`);
  parts.push(`id=${escapeField(r.requestId)}`);
  if (r.error) parts.push(`error=${quote(r.error)}`);
  return parts.join(" ");
}

/** The same fields as {@link formatLine}, as one JSON object (JSON.stringify does the escaping). */
export function formatJson(r: RequestRecord): string {
  return JSON.stringify({
    time: new Date(r.time).toISOString(),
    status: r.status,
    endpoint: r.endpoint,
    stream: r.stream,
    channel: r.channel ?? null,
    model: r.model ?? null,
    key: r.key,
    attempts: r.attempts,
    prompt_tokens: r.usage?.prompt,
    completion_tokens: r.usage?.completion,
    latency_ms: Math.round(r.latencyMs),
    ttfb_ms: r.ttfbMs !== undefined && r.stream ? Math.round(r.ttfbMs) : undefined,
    id: r.requestId,
    error: r.error,
  });
}

/** `writeSync` may write part of a large batch to a pipe; loop until all of it is out. */
function writeAll(file: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
}
