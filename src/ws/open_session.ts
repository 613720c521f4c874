/**
 * From an authenticated handshake to a running session: try the candidate channels in order
 * (each with its own key and its plugin's `openWebSocket`), and only once an upstream has
 * accepted, accept the client — answering the subprotocol the upstream chose — and hand both
 * sockets to a {@link Session}. Until then every refusal is an HTTP status with an OpenAI-shaped
 * body; after it, a close code. The request's one record is deferred and closed by the session.
 */
import type { Context } from "hono";
import type { GatewayKey } from "../auth/key_ring.ts";
import { GatewayError } from "../errors.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import type { WebSocketContext } from "../plugin/contract.ts";
import type { DeadlineWheel } from "../proxy/deadlines.ts";
import { scrubberFor } from "../proxy/scrub.ts";
import type { RequestLog } from "../stats/request_log.ts";
import type { Channel } from "../routing/channel.ts";
import { REJECTED_KEY_MS } from "../routing/key_pool.ts";
import { answeredProtocol, offeredProtocols } from "./handshake.ts";
import { type Connected, connectUpstream, type SocketFactory } from "./connect.ts";
import { Session } from "./session.ts";
import { defaultUrl, handshakeHeaders, type ResolvedTarget, resolveTarget } from "./target.ts";

/** The quota module's seam: refuse a session at connect time (throw a 429 GatewayError). */
export type Admission = (input: {
  key: GatewayKey;
  channel: Channel;
  model: string;
  /** The session's record: quotas settle on it when it closes. */
  log: RequestLog;
}) => void | Promise<void>;

export interface SessionDeps {
  deadlines: DeadlineWheel;
  /** Sessions open now, for `websocket.max_sessions`. */
  sessions: Set<Session>;
  open?: SocketFactory;
  admit?: Admission;
}

export interface SessionRequest {
  kind: WebSocketContext<unknown>["kind"];
  candidates: readonly { channel: Channel; upstreamModel: string }[];
  /** The model after aliases, for the record; "" when none is known yet. */
  model: string;
  /** The raw client path after the channel (passthrough), else "/realtime". */
  path: string;
  /** The client's query without credentials, with its `?`, or "". */
  query: string;
  /** Passthrough only: checks the target (the model it names) before anything is opened. */
  check?: (target: ResolvedTarget) => void;
}

interface Attempt {
  channel: string;
  reason: string;
}

export async function openSession(
  c: Context<GatewayEnv>,
  request: SessionRequest,
  deps: SessionDeps,
): Promise<Response> {
  const gateway = c.get("gateway");
  const settings = gateway.config.websocket;
  if (deps.sessions.size >= settings.max_sessions) {
    throw new GatewayError(503, `Too many WebSocket sessions (${settings.max_sessions} open)`, {
      code: "too_many_sessions",
      headers: { "retry-after": "1" },
    });
  }
  const offered = offeredProtocols(c.req.raw.headers).protocols;
  const forwarded = handshakeHeaders(c.req.raw.headers, c.get("token"));
  const clientHeaders = new Headers(forwarded);
  const attempts: Attempt[] = [];
  const max = gateway.config.routing.max_attempts;
  let tried = 0;
  for (const { channel, upstreamModel } of request.candidates.slice(0, max)) {
    if (!gateway.health.tryAcquire(channel.name)) {
      attempts.push({ channel: channel.name, reason: "cooling down after failures" });
      continue;
    }
    const apiKey = channel.keys.pick();
    const ctx: WebSocketContext<unknown> = {
      channel: channel.info,
      kind: request.kind,
      model: upstreamModel,
      apiKey,
      requestId: c.get("requestId"),
      url: defaultUrl(channel, request.kind, request.path, request.query, upstreamModel),
      path: request.path,
      protocols: offered,
      clientHeaders,
    };
    let target: ResolvedTarget;
    try {
      target = resolveTarget(channel, ctx, forwarded);
      request.check?.(target);
      await deps.admit?.({ key: c.get("key"), channel, model: request.model, log: c.get("log") });
    } catch (error) {
      gateway.health.release(channel.name);
      throw error;
    }
    tried++;
    const result = await connectUpstream(target, {
      timeoutMs: settings.connect_timeout,
      deadlines: deps.deadlines,
      open: deps.open,
    });
    if (result.ok) {
      gateway.health.success(channel.name, result.ms);
      return accept(c, { channel, upstreamModel, target, offered, result, attempts }, deps);
    }
    attempts.push({ channel: channel.name, reason: result.reason });
    if (result.status === 401 || result.status === 403) {
      channel.keys.setAside(apiKey, REJECTED_KEY_MS);
      gateway.health.release(channel.name);
    } else if (result.status === 400 || result.status === 404 || result.status === 422) {
      // The upstream says the request itself is wrong (an unknown model, say): no other channel
      // would think otherwise, and the client should know it was its request.
      gateway.health.release(channel.name);
      throw refused(result.status, attempts);
    } else gateway.health.failure(channel.name, `WebSocket: ${result.reason}`);
  }
  throw refused(tried === 0 ? 503 : 502, attempts);
}

interface Accepted {
  channel: Channel;
  upstreamModel: string;
  target: ResolvedTarget;
  offered: string[];
  result: Connected;
  attempts: Attempt[];
}

/** Accepts the client's handshake and starts relaying. */
function accept(c: Context<GatewayEnv>, a: Accepted, deps: SessionDeps): Response {
  const { channel, result } = a;
  const settings = c.get("gateway").config.websocket;
  const protocol = answeredProtocol(a.offered, result.socket.protocol);
  let upgraded: Deno.WebSocketUpgrade;
  try {
    upgraded = Deno.upgradeWebSocket(c.req.raw, {
      ...(protocol ? { protocol } : {}),
      // Deno pings a client silent for half of this, and drops it when the pong does not come
      // within the other half: so `ping_interval` each.
      idleTimeout: (settings.ping_interval * 2) / 1000,
    });
  } catch (error) {
    result.socket.close();
    throw new GatewayError(400, `Invalid WebSocket handshake: ${(error as Error).message}`, {
      code: "invalid_websocket_handshake",
    });
  }
  const log = c.get("log");
  log.set({
    channel: channel.name,
    upstreamModel: a.upstreamModel || undefined,
    attempts: a.attempts.length + 1,
    upstreamMs: result.ms,
  });
  log.defer();
  const inspect = messageInspector(c, channel, a.target);
  const session = new Session({
    client: upgraded.socket,
    upstream: result.socket,
    limits: {
      maxMessageBytes: settings.max_message_bytes,
      maxBufferedBytes: settings.max_buffered_bytes,
      idleTimeoutMs: settings.idle_timeout,
      maxDurationMs: settings.max_duration,
    },
    deadlines: deps.deadlines,
    scrub: scrubberFor([...channel.keys.all, c.get("token")]),
    refuse: inspect,
    onEnd(end) {
      deps.sessions.delete(session);
      log.close(101, deps.deadlines.now(), {
        websocket: end.stats,
        ...(end.usage ? { usage: end.usage } : {}),
        ...(end.error ? { error: end.error } : {}),
      });
    },
  });
  deps.sessions.add(session);
  return upgraded.response;
}

/**
 * For upstreams that name the model inside the session (the plugin's `messageModel`): records
 * the model each message names, and refuses one the key may not use.
 */
function messageInspector(
  c: Context<GatewayEnv>,
  channel: Channel,
  target: ResolvedTarget,
): ((text: string) => string | undefined) | undefined {
  const named = target.messageModel;
  if (!named) return undefined;
  const key = c.get("key");
  const log = c.get("log");
  return (text) => {
    let model: string | undefined;
    try {
      model = named(text);
    } catch (error) {
      return error instanceof Error ? error.message : "Message refused";
    }
    if (model === undefined) return undefined;
    if (!key.allowsModel(model, channel.name)) {
      return `Key "${key.name}" may not use model "${model}"`;
    }
    log.set({ model });
    return undefined;
  };
}

function refused(status: number, attempts: Attempt[]): GatewayError {
  const list = attempts.map((a) => `"${a.channel}": ${a.reason}`).join("; ");
  return new GatewayError(
    status,
    status === 503
      ? `No channel can take a WebSocket now (${list})`
      : `The upstream refused the WebSocket (${list})`,
    {
      code: status >= 500 ? "upstream_unavailable" : "upstream_refused",
      details: { attempts },
    },
  );
}
