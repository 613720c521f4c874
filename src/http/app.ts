/**
 * Assembles the Hono app. Everything it needs arrives as a parameter (the gateway holder, fetch,
 * the recorder, how to find a client's address), so tests drive it with `app.request()`.
 */
import { Hono } from "hono";
import { adminRoutes } from "../admin/routes.ts";
import { gatewayAuth, type GatewayAuthOptions } from "../auth/middleware.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { anthropicErrorResponse } from "../proxy/anthropic_ingress.ts";
import { passthrough } from "../proxy/passthrough.ts";
import type { Recorder } from "../stats/record.ts";
import { GatewayError, openAIErrorResponse } from "./errors.ts";
import type { GatewayEnv } from "./route_request.ts";
import { anthropicRoutes, isAnthropicPath } from "./routes/anthropic.ts";
import { healthRoutes } from "./routes/health.ts";
import { openAIRoutes } from "./routes/openai.ts";

export interface AppDeps {
  holder: GatewayHolder;
  fetch?: typeof fetch;
  recorder: Recorder;
  remoteAddress?: GatewayAuthOptions["remoteAddress"];
  log?: (line: string) => void;
  /** Epoch ms the process started, for uptime. */
  startedAt?: number;
}

type Env = GatewayEnv;

/** A client-chosen request id we are willing to echo back. */
const REQUEST_ID = /^[\w\-=.:]+$/;

export function createApp(deps: AppDeps): Hono<Env> {
  const { holder } = deps;
  const fetchFn = deps.fetch ?? fetch;
  const log = deps.log ?? console.error;
  const app = new Hono<Env>();

  // Timing and the request id in one middleware, stamped once on the final response. (Hono's
  // requestId() sets a prepared header, which makes Hono copy every Response a route returns:
  // measurable per request, and routes here return their own Responses.)
  app.use(async function requestContext(c, next) {
    c.set("startedAt", performance.now());
    const incoming = c.req.header("x-request-id");
    const id = incoming && incoming.length <= 200 && REQUEST_ID.test(incoming)
      ? incoming
      : crypto.randomUUID();
    c.set("requestId", id);
    await next();
    c.res.headers.set("x-request-id", id);
  });
  app.onError((error, c) => {
    // Anthropic clients (auth failures included) get Anthropic-shaped errors.
    const render = isAnthropicPath(c.req.path) ? anthropicErrorResponse : openAIErrorResponse;
    if (error instanceof GatewayError) return render(error);
    log(
      `Unhandled error on ${c.req.method} ${c.req.path} (${c.get("requestId")}): ${
        error instanceof Error ? error.stack : error
      }`,
    );
    return render(
      new GatewayError(500, "Internal gateway error", { type: "server_error" }),
    );
  });
  app.notFound(() => {
    throw new GatewayError(404, "Unknown path", { code: "unknown_path" });
  });

  app.route("/", healthRoutes(holder, deps.startedAt ?? Date.now(), fetchFn));
  app.route("/", adminRoutes(holder));

  const auth = gatewayAuth({
    gateway: () => holder.current,
    remoteAddress: deps.remoteAddress ?? (() => undefined),
  });
  const client = new Hono<Env>();
  client.use(auth);
  client.route("/", openAIRoutes({ fetch: fetchFn, recorder: deps.recorder }));
  client.route("/", anthropicRoutes({ fetch: fetchFn, recorder: deps.recorder }));

  const proxyTo = (c: import("hono").Context<Env>, channelName: string, path: string) => {
    const channel = c.get("gateway").channelsByName.get(channelName);
    if (!channel) {
      throw new GatewayError(404, `Unknown channel "${channelName}"`, { code: "unknown_channel" });
    }
    return passthrough({
      channel,
      key: c.get("key"),
      path,
      request: c.req.raw,
      requestId: c.get("requestId"),
      startedAt: c.get("startedAt"),
      maxRequestBytes: c.get("gateway").config.defaults.max_request_bytes,
    }, { fetch: fetchFn, recorder: deps.recorder });
  };
  client.all("/proxy/:channel/*", (c) => {
    const url = new URL(c.req.url);
    const prefix = `/proxy/${c.req.param("channel")}`;
    return proxyTo(c, c.req.param("channel"), url.pathname.slice(prefix.length) + url.search);
  });
  // A key bound to exactly one channel may call any other path on it (AIProxy's model).
  client.all("*", (c) => {
    const key = c.get("key");
    if (key.channels?.size === 1) {
      const url = new URL(c.req.url);
      return proxyTo(c, [...key.channels][0], url.pathname + url.search);
    }
    throw new GatewayError(404, `Unknown path ${c.req.method} ${c.req.path}`, {
      code: "unknown_path",
    });
  });
  app.route("/", client);
  return app;
}
