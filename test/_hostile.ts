/**
 * Hostile peers for security tests: a raw HTTP client that sends a request target byte for byte
 * (no URL normalisation, as `curl --path-as-is` would), and upstreams that misbehave on purpose.
 */
import { startUpstream, type Upstream } from "./_harness.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * Sends one HTTP/1.1 request with `target` exactly as given and reads the whole answer.
 * Chunked answers are de-chunked; the connection is closed after one exchange.
 */
export async function rawRequest(
  base: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = "",
): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    const lines = [
      `${method} ${target} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      "connection: close",
    ];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (body) lines.push(`content-length: ${encoder.encode(body).byteLength}`);
    await conn.write(encoder.encode(lines.join("\r\n") + "\r\n\r\n" + body));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    const text = decoder.decode(concat(chunks));
    const split = text.indexOf("\r\n\r\n");
    const [statusLine, ...headerLines] = text.slice(0, split).split("\r\n");
    const parsed = new Headers();
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      parsed.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    let rest = text.slice(split + 4);
    if (parsed.get("transfer-encoding")?.includes("chunked")) rest = dechunk(rest);
    return { status: Number(statusLine.split(" ")[1]), headers: parsed, body: rest };
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function dechunk(text: string): string {
  let out = "";
  let rest = text;
  while (rest.length > 0) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) break;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
  return out;
}

/** An upstream that records every request and answers 200 `{}` (the "victim" of a steering). */
export function captureServer(): Upstream {
  return startUpstream(() => Response.json({ captured: true }));
}

/** An upstream that answers every request with a redirect to `location()`. */
export function redirectingUpstream(location: () => string, status = 302): Upstream {
  return startUpstream(() => new Response(null, { status, headers: { location: location() } }));
}

/** An upstream whose error bodies and headers echo every header it received (keys included). */
export function echoingUpstream(status = 400): Upstream {
  return startUpstream((request) => {
    const seen = [...request.headers].map(([n, v]) => `${n}=${v}`).join("; ");
    return Response.json(
      { error: { message: `bad request; you sent ${seen}`, type: "invalid_request_error" } },
      { status, headers: { "x-debug-headers": seen } },
    );
  });
}

/** A body that never ends: `chunk` every `gapMs` until the reader goes away. */
export function endless(chunk: string, gapMs: number, signal?: AbortSignal): ReadableStream {
  const bytes = encoder.encode(chunk);
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream({
    pull(controller) {
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (signal?.aborted) controller.close();
          else controller.enqueue(bytes);
          resolve();
        }, gapMs);
      });
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}
