/**
 * Where WebSocket sessions come in. `GET /v1/realtime?model=…` (and `/realtime`, and Azure's
 * shapes `/openai/realtime?deployment=…` and `/openai/v1/realtime?model=…`) is routed by model
 * like any request: aliases, `channel/model`, the key's allow-lists, the routing strategy, then
 * failover across the channels whose plugin can open a WebSocket. An upgrade on
 * `/proxy/{channel}/{path}` (or, for a key bound to one channel, on any other path) goes to that
 * channel's WebSocket at that path. Errors before the upgrade are OpenAI-shaped HTTP errors.
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { GatewayError } from "../errors.ts";
import { methodNotAllowed, onGatewayError } from "../ingress/on_error.ts";
import { renderOpenAIError } from "../ingress/openai/errors.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import type { Logger } from "../log/logger.ts";
import { rawTarget, safeSegments } from "../proxy/proxy_path.ts";
import type { ProxyDeps } from "../proxy/scope.ts";
import type { Channel } from "../routing/channel.ts";
import { planRouteWithDiscovery } from "../routing/plan.ts";
import { withoutCredentials } from "../auth/token.ts";
import { authenticateWebSocket, type WebSocketAuthOptions } from "./auth.ts";
import type { SocketFactory } from "./connect.ts";
import { checkHandshake, isWebSocketUpgrade } from "./handshake.ts";
import { type Admission, openSession, type SessionDeps } from "./open_session.ts";
import type { Session } from "./session.ts";
import { noWebSocket } from "./target.ts";

export interface WebSocketRoutesOptions extends WebSocketAuthOptions {
  deps: ProxyDeps;
  log: Logger;
  /** Refuses sessions over quota; the quota module supplies it. */
  admit?: Admission;
  /** Opens upstream sockets. @default `new WebSocket` */
  open?: SocketFactory;
  /** Where open sessions are kept; pass one to count them or close them at shutdown. */
  sessions?: Set<Session>;
}

export interface WebSocketRoutes {
  /** The realtime paths; mount before the catch-all routes. */
  routes: Hono<GatewayEnv>;
  /** For `/proxy/*` and the single-channel catch-all: upgrades handled, anything else passed on. */
  upgrade: MiddlewareHandler<GatewayEnv>;
  /** Sessions open now. */
  sessions: ReadonlySet<Session>;
}

/** Realtime paths as OpenAI's and Azure's SDKs build them, with and without `/v1`. */
const REALTIME_PATHS = ["/v1/realtime", "/realtime", "/openai/realtime", "/openai/v1/realtime"];

export function webSocketRoutes(options: WebSocketRoutesOptions): WebSocketRoutes {
  const sessions = options.sessions ?? new Set<Session>();
  const sessionDeps: SessionDeps = {
    deadlines: options.deps.deadlines,
    sessions,
    open: options.open,
    admit: options.admit,
  };

  /** Authenticated, allowed, and a handshake Deno can complete. */
  const admitHandshake = (c: Context<GatewayEnv>) => {
    authenticateWebSocket(c, options);
    if (!c.get("gateway").config.websocket.enabled) {
      throw new GatewayError(403, "WebSocket sessions are turned off (websocket.enabled: false)", {
        code: "websocket_disabled",
      });
    }
    checkHandshake(c.req.raw.headers);
  };

  const routes = new Hono<GatewayEnv>();
  routes.onError(onGatewayError(renderOpenAIError, options.log));
  for (const path of REALTIME_PATHS) {
    routes.get(path, async (c) => {
      c.get("log").set({ endpoint: "realtime" });
      if (!isWebSocketUpgrade(c.req.raw)) {
        throw new GatewayError(
          426,
          `${path} speaks WebSocket only: connect with Upgrade: websocket`,
          {
            code: "upgrade_required",
            headers: { upgrade: "websocket", connection: "Upgrade" },
          },
        );
      }
      admitHandshake(c);
      return await realtime(c, sessionDeps, options.deps.random);
    });
    routes.all(path, () => methodNotAllowed("GET"));
  }

  const upgrade: MiddlewareHandler<GatewayEnv> = async function webSocketUpgrade(c, next) {
    if (!isWebSocketUpgrade(c.req.raw)) return await next();
    c.get("log").set({ endpoint: "proxy" });
    admitHandshake(c);
    return await passthrough(c, sessionDeps);
  };
  return { routes, upgrade, sessions };
}

async function realtime(
  c: Context<GatewayEnv>,
  deps: SessionDeps,
  random: () => number,
): Promise<Response> {
  const url = new URL(c.req.url);
  const requested = url.searchParams.get("model") || url.searchParams.get("deployment") || "";
  if (requested === "") {
    throw new GatewayError(400, "Missing model: connect to /v1/realtime?model=<model>", {
      code: "missing_model",
      param: "model",
    });
  }
  const log = c.get("log");
  log.set({ model: requested });
  // There is no realtime row in the endpoint table: plan as chat, which every channel kind
  // that opens a WebSocket also serves, then keep the channels whose plugin can open one.
  const plan = await planRouteWithDiscovery({
    gateway: c.get("gateway"),
    key: c.get("key"),
    requested,
    endpoint: "chat",
    random,
  });
  log.set({ model: plan.model });
  const able = plan.candidates.filter((candidate) => candidate.channel.plugin.openWebSocket);
  if (able.length === 0) throw noWebSocket(plan.candidates[0].channel);
  return await openSession(c, {
    kind: "realtime",
    candidates: able,
    model: plan.model,
    path: "/realtime",
    query: withoutCredentials(url.search, c.get("token")),
  }, deps);
}

async function passthrough(c: Context<GatewayEnv>, deps: SessionDeps): Promise<Response> {
  const { channel, path } = targetChannel(c);
  const key = c.get("key");
  const log = c.get("log");
  log.set({ channel: channel.name });
  if (key.channels && !key.channels.has(channel.name)) {
    throw new GatewayError(403, `Key "${key.name}" may not use channel "${channel.name}"`, {
      code: "channel_not_allowed",
    });
  }
  if (!channel.plugin.openWebSocket) throw noWebSocket(channel);
  const url = new URL(c.req.url);
  const model = namedModel(channel, path, url);
  if (model !== undefined) {
    if (!key.allowsModel(model, channel.name)) {
      throw new GatewayError(403, `Key "${key.name}" may not use model "${model}"`, {
        code: "model_not_allowed",
        param: "model",
      });
    }
    log.set({ model });
  }
  return await openSession(c, {
    kind: "passthrough",
    candidates: [{ channel, upstreamModel: model ?? "" }],
    model: model ?? "",
    path,
    query: withoutCredentials(url.search, c.get("token")),
    check(target) {
      if (key.restrictsModels && model === undefined && !target.messageModel) {
        throw new GatewayError(
          403,
          `Key "${key.name}" may use only some models, and this WebSocket names none ` +
            "(add ?model=<model> to the URL)",
          { code: "model_not_allowed", param: "model" },
        );
      }
    },
  }, deps);
}

/** The channel and raw path an upgrade outside the realtime paths is aimed at. */
function targetChannel(c: Context<GatewayEnv>): { channel: Channel; path: string } {
  const { path } = rawTarget(c.req.url);
  let name: string;
  let rest: string;
  if (path.startsWith("/proxy/")) {
    const [, , segment = "", ...tail] = path.split("/");
    try {
      name = decodeURIComponent(segment);
    } catch {
      throw new GatewayError(400, "Invalid path: malformed channel name", { code: "invalid_path" });
    }
    rest = tail.length > 0 ? `/${tail.join("/")}` : "";
  } else {
    const channels = c.get("key").channels;
    if (channels?.size !== 1) {
      throw new GatewayError(404, `Unknown path GET ${c.req.path}`, { code: "unknown_path" });
    }
    name = [...channels][0];
    rest = path;
  }
  const channel = c.get("gateway").channelsByName.get(name);
  if (!channel) {
    throw new GatewayError(404, `Unknown channel "${name}"`, { code: "unknown_channel" });
  }
  return { channel, path: rest };
}

/** The model a passthrough names: the plugin's `nativeModel` on its path, else `?model=`. */
function namedModel(channel: Channel, rawPath: string, url: URL): string | undefined {
  const decoded = "/" + safeSegments(rawPath).map(decodeURIComponent).join("/");
  const named = channel.plugin.nativeModel?.(
    { method: "GET", path: decoded, body: undefined },
    { channel: channel.info },
  );
  if (typeof named === "string" && named !== "") return named;
  return url.searchParams.get("model") || url.searchParams.get("deployment") || undefined;
}
