/**
 * The OpenAI Responses client API: `POST /v1/responses`, routed to any channel (natively to
 * channels whose plugin serves Responses, converted to chat for the rest), with
 * `previous_response_id` on every channel; and the stored responses, `GET`/`DELETE
 * /v1/responses/{id}`, `GET /v1/responses/{id}/input_items`, `POST /v1/responses/{id}/cancel`.
 * Everything also answers without `/v1`. Errors here are OpenAI-shaped.
 */
import { type Context, Hono } from "hono";
import { ResponsesRequest } from "../../formats/responses/request.ts";
import { parseBody, readRequestText } from "../body.ts";
import { methodNotAllowed, onGatewayError } from "../on_error.ts";
import { renderOpenAIError } from "../openai/errors.ts";
import type { FormatRoutesOptions } from "../openai/routes.ts";
import { type GatewayEnv, routeRequest } from "../route.ts";
import { responsesIngress } from "./ingress.ts";
import { remember } from "./remember.ts";
import { continuation, StoredRoutes } from "./stored.ts";

export function responsesRoutes({ deps, auth, log, kv }: FormatRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError(onGatewayError(renderOpenAIError, log));
  const stored = new StoredRoutes(kv, deps);

  const create = async (c: Context<GatewayEnv>) => {
    const gateway = c.get("gateway");
    const raw = await readRequestText(c.req.raw, gateway.config.defaults.max_request_bytes);
    const body = parseBody(raw, ResponsesRequest);
    const stream = body.stream === true;
    const keyName = c.get("key").name;
    const previous = await continuation(kv, body.previous_response_id, keyName);
    const ingress = responsesIngress({ body, rawBody: raw, stream, ...previous });
    const response = await routeRequest(c, deps, { ingress, model: body.model, stream });
    if (body.store === false || response.status !== 200) return response;
    return await remember(response, {
      kv,
      ingress,
      keyName,
      model: body.model,
      log,
      maxEventBytes: gateway.config.defaults.max_response_bytes,
    });
  };

  for (const prefix of ["/v1", ""]) {
    const path = `${prefix}/responses`;
    app.post(path, auth, create);
    app.all(path, () => methodNotAllowed("POST"));
    app.get(`${path}/:id`, auth, (c) => stored.retrieve(c));
    app.delete(`${path}/:id`, auth, (c) => stored.remove(c));
    app.all(`${path}/:id`, () => methodNotAllowed("GET, DELETE"));
    app.get(`${path}/:id/input_items`, auth, (c) => stored.inputItems(c));
    app.all(`${path}/:id/input_items`, () => methodNotAllowed("GET"));
    app.post(`${path}/:id/cancel`, auth, (c) => stored.cancel(c));
    app.all(`${path}/:id/cancel`, () => methodNotAllowed("POST"));
  }
  return app;
}
