/**
 * Assembles the Hono app. Everything it needs arrives as a parameter (the gateway holder, fetch,
 * the recorder, how to find a client's address), so tests drive it with `app.request()`.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
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

export function createApp(deps: AppDeps): Hono<Env> {
  const { holder } = deps;
  const fetchFn = deps.fetch ?? fetch;
  const log = deps.log ?? console.error;
  const app = new Hono<Env>();

  app.use(async function timing(c, next) {
    c.set("startedAt", performance.now());
    await next();
  });
  app.use(requestId({ headerName: "x-request-id" }));
  app.use(async function stampRequestId(c, next) {
    await next();
    // Routes return their own Response objects, which Hono's prepared headers do not reach.
    c.res.headers.set("x-request-id", c.get("requestId"));
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
  client.use(function limitBody(c, next) {
    // Read per request so the limit follows reloads.
    const max = c.get("gateway").config.defaults.max_request_bytes;
    return bodyLimit({
      maxSize: max,
      onError: () => {
        throw new GatewayError(413, `Request body exceeds the limit of ${max} bytes`, {
          code: "request_too_large",
        });
      },
    })(c, next);
  });
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
