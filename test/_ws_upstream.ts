/**
 * WebSocket test helpers: a local upstream made with `Deno.upgradeWebSocket` that records what
 * each handshake carried and how each session was closed; a client that reports a refused
 * handshake's status; and a raw TCP client that completes a handshake and then never reads.
 */
import type { Server } from "./_harness.ts";

export interface Handshake {
  /** Path and query as the upstream received them. */
  target: string;
  headers: Headers;
  /** Subprotocols offered. */
  protocols: string[];
}

export interface WsUpstream extends Server {
  handshakes: Handshake[];
  /** How each upstream-side socket closed, in order. */
  closes: { code: number; reason: string }[];
  /** Resolves once `n` upstream-side sockets have closed. */
  closed(n: number, timeoutMs?: number): Promise<WsUpstream["closes"]>;
}

export interface WsUpstreamOptions {
  /** Answer handshakes with this HTTP status instead of upgrading. */
  refuse?: number;
  /** The subprotocol to accept, from those offered. @default the first offered */
  choose?: (offered: string[]) => string | undefined;
  /** What the upstream does with each session. @default echo every message back */
  session?: (socket: WebSocket, handshake: Handshake) => void;
}

/** Starts a WebSocket upstream on an ephemeral loopback port. */
export function startWsUpstream(options: WsUpstreamOptions = {}): WsUpstream {
  const handshakes: Handshake[] = [];
  const closes: WsUpstream["closes"] = [];
  const waiters: (() => void)[] = [];
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} },
    (request) => {
      const url = new URL(request.url);
      const protocols = (request.headers.get("sec-websocket-protocol") ?? "").split(",")
        .map((p) => p.trim()).filter(Boolean);
      const handshake = {
        target: url.pathname + url.search,
        // A copy: a served request's headers cannot be read once it is answered.
        headers: new Headers(request.headers),
        protocols,
      };
      handshakes.push(handshake);
      if (options.refuse) {
        return Response.json({ error: { message: "refused" } }, { status: options.refuse });
      }
      const protocol = options.choose ? options.choose(protocols) : protocols[0];
      const { socket, response } = Deno.upgradeWebSocket(request, {
        ...(protocol ? { protocol } : {}),
        idleTimeout: 0,
      });
      socket.addEventListener("close", (event) => {
        closes.push({ code: event.code, reason: event.reason });
        for (const wake of waiters.splice(0)) wake();
      });
      (options.session ?? echo)(socket, handshake);
      return response;
    },
  );
  return {
    url: `ws://127.0.0.1:${server.addr.port}`,
    handshakes,
    closes,
    closed: (n, timeoutMs = 5_000) => waitFor(() => closes.length >= n, waiters, timeoutMs, closes),
    close: async () => {
      controller.abort();
      await server.finished;
    },
  };
}

function echo(socket: WebSocket): void {
  socket.onmessage = (event) => socket.send(event.data);
}

function waitFor<T>(
  done: () => boolean,
  waiters: (() => void)[],
  timeoutMs: number,
  value: T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs}ms`)), timeoutMs);
    const check = () => {
      if (!done()) return void waiters.push(check);
      clearTimeout(timer);
      resolve(value);
    };
    check();
  });
}

export interface Opened {
  socket: WebSocket;
  /** Every message received, in order. */
  messages: (string | ArrayBuffer)[];
  /** The close event, whenever it comes. */
  closed: Promise<CloseEvent>;
}
export type Refused = { status?: number; message: string };

/** Opens a client socket to the gateway; resolves with it open, or with why it was refused. */
export function connect(
  url: string,
  init: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<Opened | Refused> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, init);
    socket.binaryType = "arraybuffer";
    const messages: Opened["messages"] = [];
    let message = "";
    const closed = new Promise<CloseEvent>((done) => socket.addEventListener("close", done));
    socket.onmessage = (event) => messages.push(event.data);
    socket.onopen = () => resolve({ socket, messages, closed });
    socket.onerror = (event) => message = (event as ErrorEvent).message ?? "";
    closed.then(() => {
      const status = Number(/status code:? (\d{3})/.exec(message)?.[1]) || undefined;
      resolve({ status, message });
    });
  });
}

/** The socket, asserting the handshake was accepted. */
export function opened(result: Opened | Refused): Opened {
  if (!("socket" in result)) throw new Error(`Handshake refused: ${result.message}`);
  return result;
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 5_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No ${what} after ${timeoutMs}ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `messages` holds `n` entries (polled: the sockets push into it). */
export async function received<T>(messages: T[], n: number, timeoutMs = 5_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (messages.length < n) {
    if (Date.now() > deadline) throw new Error(`Only ${messages.length} of ${n} messages`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return messages;
}

/** A client that completes a handshake, then never reads: the slowest client there is. */
export async function stalledClient(baseUrl: string, target: string, key: string) {
  const { hostname, port } = new URL(baseUrl);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const request = `GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
    `Sec-WebSocket-Version: 13\r\nAuthorization: Bearer ${key}\r\n\r\n`;
  await conn.write(new TextEncoder().encode(request));
  const head = new Uint8Array(1024);
  const n = await conn.read(head);
  const status = new TextDecoder().decode(head.subarray(0, n ?? 0)).split("\r\n")[0];
  return { conn, status };
}

/**
 * A handshake over raw TCP, to read a refusal's status and body (the WebSocket API shows
 * neither). Returns the status line's code and the body text.
 */
export async function rawHandshake(
  baseUrl: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
    await conn.write(new TextEncoder().encode(
      `GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
        `Sec-WebSocket-Version: 13\r\n${extra}Connection: close\r\n\r\n`,
    ));
    let text = "";
    const buffer = new Uint8Array(64 * 1024);
    const decoder = new TextDecoder();
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
      const end = text.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (end !== -1 && length !== undefined && text.length >= end + 4 + Number(length)) break;
    }
    const end = text.indexOf("\r\n\r\n");
    return {
      status: Number(text.split(" ")[1]),
      headers: text.slice(0, end),
      body: text.slice(end + 4),
    };
  } finally {
    conn.close();
  }
}

/**
 * An upstream that accepts one handshake by hand over raw TCP, sends `first` as a text frame,
 * then drops the connection without a close frame: what a crashed upstream looks like.
 */
export function droppingUpstream(first: string): Server & { accepted: Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted!: () => void;
  const acceptedPromise = new Promise<void>((resolve) => accepted = resolve);
  const served = (async () => {
    const conn = await listener.accept().catch(() => undefined);
    if (!conn) return;
    try {
      const buffer = new Uint8Array(8192);
      const n = await conn.read(buffer);
      const request = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
      const key = /sec-websocket-key: *(\S+)/i.exec(request)?.[1] ?? "";
      const digest = await crypto.subtle.digest(
        "SHA-1",
        new TextEncoder().encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
      );
      const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
      await conn.write(new TextEncoder().encode(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      ));
      const payload = new TextEncoder().encode(first);
      await conn.write(new Uint8Array([0x81, payload.length, ...payload]));
      accepted();
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      conn.close();
    }
  })();
  return {
    url: `ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    accepted: acceptedPromise,
    close: async () => {
      listener.close();
      await served;
    },
  };
}
