/**
 * One WebSocket session: messages relayed both ways in order, text as text and binary as binary;
 * the first close on either side closes the other with the code translated (`close_codes.ts`);
 * limits enforced; counted; and reported once, when it ends.
 *
 * Backpressure. Deno's `WebSocket` has no way to stop reading a peer, but `bufferedAmount`
 * reports what a `send` has queued and not yet written. Before each message is passed on, the
 * receiving side's queue is checked; past `maxBufferedBytes` the session ends (1008 to a client
 * too slow to read, 1013 when the upstream is the slow one), so a peer that stops reading costs
 * at most that plus one message. Deno has no `terminate()` either: a client that neither reads
 * nor sends keeps its TCP connection (in CLOSING, its queue still held) until it reads, sends or
 * goes away; the session itself is over and recorded.
 *
 * Idle and total-duration limits are checked on the gateway's one deadline wheel, not a timer
 * per session. Keep-alive pings to the client are Deno's (`idleTimeout` at upgrade); pings from
 * the upstream are answered by Deno; neither crosses the gateway (they are per-hop).
 */
import type { DeadlineWheel, Watched } from "../proxy/deadlines.ts";
import type { Scrubber } from "../proxy/scrub.ts";
import type { TokenUsage, WebSocketStats } from "../stats/record.ts";
import {
  codeForClient,
  codeForUpstream,
  fitReason,
  GOING_AWAY,
  MESSAGE_TOO_BIG,
  NORMAL,
  POLICY_VIOLATION,
  recordedCode,
  TRY_AGAIN_LATER,
} from "./close_codes.ts";
import { RealtimeUsage } from "./realtime_usage.ts";
import { byteLength } from "./utf8.ts";

export interface SessionLimits {
  maxMessageBytes: number;
  maxBufferedBytes: number;
  idleTimeoutMs: number;
  maxDurationMs: number;
}

/** What a finished session reports. */
export interface SessionEnd {
  stats: WebSocketStats;
  usage?: TokenUsage;
  /** Why it ended, when that was not a peer's normal close. */
  error?: string;
}

export interface SessionOptions {
  client: WebSocket;
  upstream: WebSocket;
  limits: SessionLimits;
  deadlines: DeadlineWheel;
  /** Removes keys from what the upstream writes in text messages and close reasons. */
  scrub: Scrubber;
  /** Refuses a client text message (a model the key may not use): the reason, or undefined. */
  refuse?: (text: string) => string | undefined;
  onEnd(end: SessionEnd): void;
}

type Data = string | ArrayBuffer;

/**
 * The reason Deno gives a server socket it closed itself because a ping went unanswered
 * (`idleTimeout`; ext/websocket/01_websocket.js): the gateway's keep-alive, not the client.
 */
const PING_UNANSWERED = "No response from ping frame.";

export class Session implements Watched {
  readonly #o: SessionOptions;
  readonly #usage = new RealtimeUsage();
  readonly #startedAt: number;
  #lastActivity: number;
  /** Upstream messages that arrived before the client's socket opened. */
  #early: Data[] | undefined = [];
  #earlyBytes = 0;
  #ended = false;
  readonly #stats = { framesUp: 0, framesDown: 0, bytesUp: 0, bytesDown: 0 };

  constructor(options: SessionOptions) {
    this.#o = options;
    const { client, upstream, deadlines } = options;
    this.#startedAt = this.#lastActivity = deadlines.now();
    upstream.onmessage = (event) => this.#down(event.data);
    upstream.onclose = (event) => this.#closedBy("upstream", event.code, event.reason);
    upstream.onerror = null;
    client.onopen = () => this.#flushEarly();
    client.onmessage = (event) => this.#up(event.data);
    client.onclose = (event) =>
      event.reason === PING_UNANSWERED && !event.wasClean
        ? this.#endByGateway(GOING_AWAY, "Client did not answer a ping")
        : this.#closedBy("client", event.code, event.reason);
    client.onerror = null;
    deadlines.add(this);
  }

  /** Deadline wheel tick: the idle and total-duration limits. */
  check(now: number): void {
    const { idleTimeoutMs, maxDurationMs } = this.#o.limits;
    if (now - this.#startedAt >= maxDurationMs) {
      this.#endByGateway(
        POLICY_VIOLATION,
        `Session reached the maximum duration of ${seconds(maxDurationMs)}`,
      );
    } else if (now - this.#lastActivity >= idleTimeoutMs) {
      this.#endByGateway(GOING_AWAY, `Session idle for ${seconds(idleTimeoutMs)}`);
    }
  }

  /** Ends the session from outside (shutdown), telling both sides why. */
  close(code: number, reason: string): void {
    this.#endByGateway(code, reason);
  }

  #down(data: Data): void {
    if (this.#ended) return;
    const size = typeof data === "string" ? byteLength(data) : data.byteLength;
    if (size > this.#o.limits.maxMessageBytes) {
      return this.#endByGateway(MESSAGE_TOO_BIG, tooBig("Upstream message", size, this.#o.limits));
    }
    if (typeof data === "string") {
      this.#usage.add(data);
      if (this.#o.scrub.test(data)) data = this.#o.scrub(data);
    }
    const waiting = this.#early ? this.#earlyBytes : this.#o.client.bufferedAmount;
    if (waiting > this.#o.limits.maxBufferedBytes) return this.#clientTooSlow();
    this.#lastActivity = this.#o.deadlines.now();
    this.#stats.framesDown++;
    this.#stats.bytesDown += size;
    if (this.#early) {
      this.#early.push(data);
      this.#earlyBytes += size;
    } else this.#o.client.send(data);
  }

  #up(data: Data): void {
    if (this.#ended) return;
    const { limits, upstream, refuse } = this.#o;
    const size = typeof data === "string" ? byteLength(data) : data.byteLength;
    if (size > limits.maxMessageBytes) {
      return this.#endByGateway(MESSAGE_TOO_BIG, tooBig("Message", size, limits));
    }
    const refusal = refuse && typeof data === "string" ? refuse(data) : undefined;
    if (refusal) return this.#endByGateway(POLICY_VIOLATION, refusal);
    if (upstream.bufferedAmount > limits.maxBufferedBytes) {
      return this.#endByGateway(
        TRY_AGAIN_LATER,
        `Upstream too slow: more than ${limits.maxBufferedBytes} bytes waiting for it`,
      );
    }
    this.#lastActivity = this.#o.deadlines.now();
    this.#stats.framesUp++;
    this.#stats.bytesUp += size;
    upstream.send(data);
  }

  #flushEarly(): void {
    const early = this.#early;
    this.#early = undefined;
    if (this.#ended || !early) return;
    for (const data of early) this.#o.client.send(data);
  }

  #clientTooSlow(): void {
    this.#endByGateway(
      POLICY_VIOLATION,
      `Client too slow: more than ${this.#o.limits.maxBufferedBytes} bytes waiting for it`,
    );
  }

  /** A peer closed (or dropped): close the other side with the code translated. */
  #closedBy(side: "client" | "upstream", code: number, reason: string): void {
    if (this.#ended) return;
    if (side === "client") {
      const sent = recordedCode(code);
      this.#finish(
        "client",
        sent,
        code === NORMAL || code === 1005 ? undefined : reason || undefined,
      );
      closeQuietly(this.#o.upstream, codeForUpstream(code), reason || `client closed with ${sent}`);
      return;
    }
    const forClient = codeForClient(code);
    const said = fitReason(this.#o.scrub(reason || (code === 0 ? "Upstream connection lost" : "")));
    const abnormal = forClient !== NORMAL && forClient !== GOING_AWAY;
    this.#finish(
      "upstream",
      forClient,
      abnormal ? said || `upstream closed with ${code}` : undefined,
    );
    closeQuietly(this.#o.client, forClient, said);
  }

  #endByGateway(code: number, reason: string): void {
    if (this.#ended) return;
    this.#finish("gateway", code, reason);
    closeQuietly(this.#o.client, code, fitReason(reason));
    closeQuietly(this.#o.upstream, NORMAL, fitReason(reason));
  }

  #finish(closedBy: WebSocketStats["closedBy"], closeCode: number, error?: string): void {
    this.#ended = true;
    this.#early = undefined;
    const { deadlines } = this.#o;
    deadlines.delete(this);
    this.#o.onEnd({
      stats: {
        ...this.#stats,
        closeCode,
        closedBy,
        durationMs: deadlines.now() - this.#startedAt,
      },
      usage: this.#usage.total,
      ...(error ? { error } : {}),
    });
  }
}

/** `close()` on a socket that may already be closing, or never opened: never throws. */
function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
  try {
    socket.close(code, reason);
  } catch {
    // A code the runtime will not send from this side (see close_codes.ts): close plainly.
    socket.close();
  }
}

function tooBig(what: string, size: number, limits: SessionLimits): string {
  return `${what} of ${size} bytes exceeds the limit of ${limits.maxMessageBytes} bytes`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
