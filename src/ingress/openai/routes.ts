/**
 * The OpenAI-compatible client API: chat completions, legacy completions, embeddings and the
 * model list, under `/v1` and without it. Errors on these paths are OpenAI-shaped.
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { ENDPOINTS } from "../../endpoints.ts";
import type { Logger } from "../../log/logger.ts";
import type { ProxyDeps } from "../../proxy/scope.ts";
import { parseBody, readRequestText } from "../body.ts";
import { methodNotAllowed, onGatewayError } from "../on_error.ts";
import { type GatewayEnv, routeRequest } from "../route.ts";
import { renderOpenAIError } from "./errors.ts";
import { openAIIngress } from "./ingress.ts";
import { listModels } from "./models.ts";

type OpenAIEndpoint = "chat" | "completions" | "embeddings";

export interface FormatRoutesOptions {
  deps: ProxyDeps;
  /** Authenticates the client and puts its key and the config snapshot in the context. */
  auth: MiddlewareHandler;
  log: Logger;
  /** The gateway's Deno KV, for formats that keep state (stored responses). */
  kv: Deno.Kv;
}

export function openAIRoutes({ deps, auth, log }: FormatRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError(onGatewayError(renderOpenAIError, log));

  const handle = (endpoint: OpenAIEndpoint) => async (c: Context<GatewayEnv>) => {
    const gateway = c.get("gateway");
    const text = await readRequestText(c.req.raw, gateway.config.defaults.max_request_bytes);
    const body = parseBody(text, ENDPOINTS[endpoint].schema) as Record<string, unknown>;
    const stream = ENDPOINTS[endpoint].streams && body.stream === true;
    const options = body.stream_options as { include_usage?: boolean } | null | undefined;
    return await routeRequest(c, deps, {
      ingress: openAIIngress(endpoint, body, text, options?.include_usage === true),
      model: body.model as string,
      stream,
      body,
    });
  };

  for (const prefix of ["/v1", ""]) {
    for (const endpoint of ["chat", "completions", "embeddings"] as const) {
      const path = prefix + ENDPOINTS[endpoint].path;
      app.post(path, auth, handle(endpoint));
      app.all(path, () => methodNotAllowed("POST"));
    }
    app.get(`${prefix}/models`, auth, listModels);
    app.all(`${prefix}/models`, () => methodNotAllowed("GET"));
  }
  return app;
}
