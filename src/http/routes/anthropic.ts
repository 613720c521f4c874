/**
 * The Anthropic-compatible client API: `POST /v1/messages`, routed to any channel (natively to
 * Anthropic channels, converted for the rest), and `POST /v1/messages/count_tokens`, answered
 * locally with an estimate. Both also answer without `/v1`. Errors on these paths are rendered
 * Anthropic-shaped by the app's error handler (see {@link isAnthropicPath}).
 */
import { Hono } from "hono";
import {
  CountTokensRequest,
  estimateMessagesTokens,
  MessagesRequest,
} from "../../formats/anthropic/mod.ts";
import { anthropicIngress } from "../../proxy/anthropic_ingress.ts";
import type { DispatchDeps } from "../../proxy/dispatch.ts";
import { parseBody, readRequestText } from "../parse_body.ts";
import { type GatewayEnv, routeRequest } from "../route_request.ts";

type Env = GatewayEnv;

/** Whether errors on `path` must be Anthropic-shaped. */
export function isAnthropicPath(path: string): boolean {
  return /^(\/v1)?\/messages(\/|$)/.test(path);
}

export function anthropicRoutes(deps: DispatchDeps): Hono<Env> {
  const app = new Hono<Env>();

  for (const prefix of ["/v1", ""]) {
    app.post(`${prefix}/messages`, async (c) => {
      const body = parseBody(
        await readRequestText(c.req.raw, c.get("gateway").config.defaults.max_request_bytes),
        MessagesRequest,
      );
      const stream = body.stream === true;
      return await routeRequest(c, deps, {
        ingress: anthropicIngress(body, stream),
        model: body.model,
        stream,
      });
    });
    app.post(`${prefix}/messages/count_tokens`, async (c) => {
      const body = parseBody(
        await readRequestText(c.req.raw, c.get("gateway").config.defaults.max_request_bytes),
        CountTokensRequest,
      );
      return c.json({ input_tokens: estimateMessagesTokens(body) });
    });
  }
  return app;
}
