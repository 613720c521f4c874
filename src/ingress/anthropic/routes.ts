/**
 * The Anthropic-compatible client API: `POST /v1/messages`, routed to any channel (natively to
 * Anthropic channels, converted for the rest), and `POST /v1/messages/count_tokens`, answered
 * locally with an estimate. Both also answer without `/v1`. Errors here are Anthropic-shaped.
 */
import { type Context, Hono } from "hono";
import { CountTokensRequest, estimateMessagesTokens } from "../../formats/anthropic/mod.ts";
import { MessagesRequest } from "../../formats/anthropic/request.ts";
import { parseBody, readRequestText } from "../body.ts";
import { methodNotAllowed, onGatewayError } from "../on_error.ts";
import type { FormatRoutesOptions } from "../openai/routes.ts";
import { type GatewayEnv, routeRequest } from "../route.ts";
import { renderAnthropicError } from "./errors.ts";
import { anthropicIngress } from "./ingress.ts";

export function anthropicRoutes({ deps, auth, log }: FormatRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError(onGatewayError(renderAnthropicError, log));
  const text = (c: Context<GatewayEnv>) =>
    readRequestText(c.req.raw, c.get("gateway").config.defaults.max_request_bytes);

  for (const prefix of ["/v1", ""]) {
    app.post(`${prefix}/messages`, auth, async (c) => {
      const raw = await text(c);
      const body = parseBody(raw, MessagesRequest);
      const stream = body.stream === true;
      return await routeRequest(c, deps, {
        ingress: anthropicIngress(body, raw, stream),
        model: body.model,
        stream,
        body,
      });
    });
    app.all(`${prefix}/messages`, () => methodNotAllowed("POST"));
    app.post(`${prefix}/messages/count_tokens`, auth, async (c) => {
      c.get("log").set({ endpoint: "count_tokens" });
      const body = parseBody(await text(c), CountTokensRequest);
      return c.json({ input_tokens: estimateMessagesTokens(body) });
    });
    app.all(`${prefix}/messages/count_tokens`, () => methodNotAllowed("POST"));
  }
  return app;
}
