/**
 * `/proxy/{channel}/{path}` and, for a key bound to exactly one channel, any other path (AIProxy's
 * model): passed through to the channel's native API. Registered last, so every known path is
 * matched first. Errors are OpenAI-shaped. The channel segment and the rest of the path are read
 * from the raw request target, never from a normalised URL (see `proxy/proxy_path.ts`).
 */
import { Hono, type MiddlewareHandler } from "hono";
import { GatewayError } from "../errors.ts";
import { onGatewayError } from "../ingress/on_error.ts";
import { renderOpenAIError } from "../ingress/openai/errors.ts";
import type { FormatRoutesOptions } from "../ingress/openai/routes.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import { passthrough } from "../proxy/passthrough.ts";
import { rawTarget } from "../proxy/proxy_path.ts";

/** @param webSocket takes the upgrade requests among them (`src/ws/`), passing the rest on. */
export function proxyRoutes(
  { deps, auth, log }: FormatRoutesOptions,
  webSocket?: MiddlewareHandler<GatewayEnv>,
): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError(onGatewayError(renderOpenAIError, log));

  const to = (
    c: import("hono").Context<GatewayEnv>,
    channelName: string,
    path: string,
    query: string,
  ) => {
    const gateway = c.get("gateway");
    const channel = gateway.channelsByName.get(channelName);
    if (!channel) {
      throw new GatewayError(404, `Unknown channel "${channelName}"`, { code: "unknown_channel" });
    }
    return passthrough({
      channel,
      key: c.get("key"),
      token: c.get("token"),
      request: c.req.raw,
      path,
      query,
      requestId: c.get("requestId"),
      log: c.get("log"),
      maxRequestBytes: gateway.config.defaults.max_request_bytes,
    }, deps);
  };

  if (webSocket) app.get("*", webSocket);
  app.all("/proxy/*", auth, (c) => {
    const { path, query } = rawTarget(c.req.url);
    const [, , channel = "", ...rest] = path.split("/");
    let name: string;
    try {
      name = decodeURIComponent(channel);
    } catch {
      throw new GatewayError(400, "Invalid path: malformed channel name", { code: "invalid_path" });
    }
    return to(c, name, rest.length > 0 ? `/${rest.join("/")}` : "", query);
  });
  app.all("*", auth, (c) => {
    const key = c.get("key");
    if (key.channels?.size === 1) {
      const { path, query } = rawTarget(c.req.url);
      return to(c, [...key.channels][0], path, query);
    }
    c.get("log").set({ endpoint: `${c.req.method} ${c.req.path}`.slice(0, 200) });
    throw new GatewayError(404, `Unknown path ${c.req.method} ${c.req.path}`, {
      code: "unknown_path",
    });
  });
  return app;
}
