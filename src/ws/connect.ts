/**
 * Opens the upstream WebSocket before the client's is accepted, so a refusal can still be an HTTP
 * status and the subprotocol the upstream chose can be answered. Deno 2.9's `WebSocket` takes
 * handshake headers (`new WebSocket(url, { headers, protocols })`, a non-standard option typed in
 * `lib.deno.shared_globals`; measured: headers and subprotocols reach the server as given), so
 * keys go in headers wherever the upstream accepts them.
 *
 * A refused handshake surfaces only as an error event whose message reads "failed to connect to
 * WebSocket: Invalid status code: 401"; the status is read from it and nothing else (the message
 * may name the URL, which may carry a key). The handshake is bounded by the shared deadline
 * wheel; at the deadline the attempt is cancelled.
 */
import type { DeadlineWheel, Watched } from "../proxy/deadlines.ts";
import type { ResolvedTarget } from "./target.ts";

export type Connected = { ok: true; socket: WebSocket; ms: number };
export type NotConnected = {
  ok: false;
  /** The upstream's HTTP status when it answered the handshake with one. */
  status?: number;
  timedOut: boolean;
  /** Why, for an error message: never the URL or anything the upstream wrote. */
  reason: string;
};

/** Opens sockets: `new WebSocket` by default, replaceable in tests. */
export type SocketFactory = (url: string, options: WebSocketOptions) => WebSocket;

export interface ConnectOptions {
  timeoutMs: number;
  deadlines: DeadlineWheel;
  open?: SocketFactory;
}

const STATUS = /Invalid status code:? (\d{3})/;

export function connectUpstream(
  target: ResolvedTarget,
  options: ConnectOptions,
): Promise<Connected | NotConnected> {
  const { deadlines } = options;
  const started = deadlines.now();
  const open = options.open ?? ((url, init) => new WebSocket(url, init));
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = open(target.url, { headers: target.headers, protocols: target.protocols });
    } catch (error) {
      // A header or subprotocol the WebSocket API refuses (a plugin's doing): say which rule.
      const reason = error instanceof DOMException || error instanceof TypeError
        ? `the handshake was refused locally (${error.name})`
        : "the handshake could not be built";
      return resolve({ ok: false, timedOut: false, reason });
    }
    socket.binaryType = "arraybuffer";
    let errorMessage = "";
    const deadline: Watched = {
      check(now) {
        if (now - started < options.timeoutMs) return;
        finish({ ok: false, timedOut: true, reason: `no handshake within ${options.timeoutMs}ms` });
        socket.close();
      },
    };
    const finish = (result: Connected | NotConnected) => {
      deadlines.delete(deadline);
      socket.onopen = socket.onerror = socket.onclose = null;
      resolve(result);
    };
    deadlines.add(deadline);
    socket.onopen = () => finish({ ok: true, socket, ms: deadlines.now() - started });
    socket.onerror = (event) => {
      errorMessage = (event as ErrorEvent).message ?? "";
    };
    socket.onclose = () => {
      const status = Number(STATUS.exec(errorMessage)?.[1]) || undefined;
      finish({
        ok: false,
        status,
        timedOut: false,
        reason: status ? `the upstream answered ${status}` : connectionCause(errorMessage),
      });
    };
  });
}

/** A network failure in a few safe words (the runtime's message may include the URL). */
function connectionCause(message: string): string {
  if (/tcp connect|connection refused/i.test(message)) return "the connection was refused";
  if (/dns|lookup|resolve/i.test(message)) return "the host name did not resolve";
  if (/tls|certificate|handshake/i.test(message)) return "the TLS handshake failed";
  return "the connection failed";
}
