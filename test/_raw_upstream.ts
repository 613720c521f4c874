/**
 * A local upstream on a raw TCP listener, for faults `Deno.serve` cannot produce quietly: a body
 * that breaks off mid-way (`Deno.serve` prints every body error, which a green test run must
 * not) is here just a closed socket, which is also exactly what a reset looks like on the wire.
 * Speaks enough HTTP/1.1 for the gateway's fetch: one request per connection, `Content-Length`
 * request bodies, chunked responses.
 */
import type { Upstream } from "./_harness.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A body that breaks the connection once `chunks` are sent (after `gapMs` each). */
export class ResetBody {
  constructor(readonly chunks: string[] = [], readonly gapMs = 0) {}
}

export type RawHandler = (
  request: Request,
  body: string,
) => Response | ResetBody | Promise<Response | ResetBody>;

export function startRawUpstream(handler: RawHandler): Upstream {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const received: Upstream["received"] = [];
  const open = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      // The gateway may hang up at any point (that is what many tests do): never an error here.
      serve(conn, handler, received).catch(() => {}).finally(() => {
        open.delete(conn);
        try {
          conn.close();
        } catch { /* closed already */ }
      });
    }
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* closed already */ }
      }
      await serving;
    },
  };
}

async function serve(conn: Deno.Conn, handler: RawHandler, received: Upstream["received"]) {
  const head = await readHead(conn);
  if (!head) return;
  const [requestLine, ...lines] = head.text.split("\r\n");
  const [method, target] = requestLine.split(" ");
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let bodyBytes = head.rest;
  const length = Number(headers.get("content-length") ?? 0);
  while (bodyBytes.byteLength < length) {
    const more = await read(conn);
    if (!more) return;
    bodyBytes = concat(bodyBytes, more);
  }
  const body = decoder.decode(bodyBytes);
  received.push({ method, path: target, headers, body });
  // The peer closing the connection aborts the request, as `Deno.serve` does.
  const gone = new AbortController();
  read(conn).then(() => gone.abort()).catch(() => gone.abort());
  const request = new Request(`http://127.0.0.1${target}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : body,
    signal: gone.signal,
  });
  const answer = await handler(request, body);
  if (answer instanceof ResetBody) {
    await write(
      conn,
      "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" +
        "transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
    );
    for (const chunk of answer.chunks) {
      await write(conn, `${encoder.encode(chunk).byteLength.toString(16)}\r\n${chunk}\r\n`);
      if (answer.gapMs) await new Promise((r) => setTimeout(r, answer.gapMs));
    }
    return; // No terminating chunk: the connection just ends.
  }
  let response = `HTTP/1.1 ${answer.status} ${answer.statusText || "OK"}\r\n`;
  answer.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "transfer-encoding") {
      response += `${name}: ${value}\r\n`;
    }
  });
  await write(conn, response + "transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
  if (answer.body) {
    const reader = answer.body.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.byteLength === 0) continue;
        await conn.write(encoder.encode(`${value.byteLength.toString(16)}\r\n`));
        await conn.write(value);
        await conn.write(encoder.encode("\r\n"));
      }
    } catch {
      await reader.cancel().catch(() => {});
      return;
    }
  }
  await write(conn, "0\r\n\r\n");
}

async function readHead(conn: Deno.Conn): Promise<{ text: string; rest: Uint8Array } | undefined> {
  let buffer: Uint8Array = new Uint8Array();
  while (true) {
    const text = decoder.decode(buffer);
    const end = text.indexOf("\r\n\r\n");
    if (end !== -1) {
      const headBytes = encoder.encode(text.slice(0, end + 4)).byteLength;
      return { text: text.slice(0, end), rest: buffer.subarray(headBytes) };
    }
    const more = await read(conn);
    if (!more) return undefined;
    buffer = concat(buffer, more);
  }
}

async function read(conn: Deno.Conn): Promise<Uint8Array | undefined> {
  const buffer = new Uint8Array(64 * 1024);
  const n = await conn.read(buffer).catch(() => null);
  return n === null ? undefined : buffer.subarray(0, n);
}

async function write(conn: Deno.Conn, text: string): Promise<void> {
  await conn.write(encoder.encode(text)).catch(() => 0);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
