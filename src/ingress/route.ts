/**
 * What every client route shares once it has parsed its body: the Hono environment the
 * middleware prepared, and building the request's one {@link RequestScope} to hand to dispatch.
 */
import type { Context } from "hono";
import type { AuthVariables } from "../auth/middleware.ts";
import { dispatch } from "../proxy/dispatch.ts";
import { lazyClientHeaders } from "../proxy/headers.ts";
import type { ProxyDeps, RequestScope } from "../proxy/scope.ts";
import type { RequestLog } from "../stats/request_log.ts";
import type { Ingress } from "./ingress.ts";

/**
 * The Hono environment of client routes: `requestId` and `log` are set for every request by the
 * request-context middleware, the auth variables by the auth middleware before any route runs.
 */
export type GatewayEnv = { Variables: AuthVariables & { requestId: string; log: RequestLog } };

export function routeRequest(
  c: Context<GatewayEnv>,
  deps: ProxyDeps,
  request: { ingress: Ingress; model: string; stream: boolean; body?: unknown },
): Promise<Response> {
  const raw = c.req.raw;
  const log = c.get("log");
  log.set({ endpoint: request.ingress.endpoint, stream: request.stream, model: request.model });
  const scope: RequestScope = {
    id: c.get("requestId"),
    gateway: c.get("gateway"),
    key: c.get("key"),
    token: c.get("token"),
    ...request,
    clientSignal: () => raw.signal,
    clientHeaders: lazyClientHeaders(raw.headers),
    log,
  };
  return dispatch(scope, deps);
}
