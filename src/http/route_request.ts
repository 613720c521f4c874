/**
 * What every client route shares once it has parsed its body: hand the request, in its ingress
 * dialect, to the dispatcher with the context the middleware prepared.
 */
import type { Context } from "hono";
import type { AuthVariables } from "../auth/middleware.ts";
import { dispatch, type DispatchDeps } from "../proxy/dispatch.ts";
import type { Ingress } from "../proxy/ingress.ts";

/** The Hono environment of client routes: set by the timing, request-id and auth middleware. */
export type GatewayEnv = { Variables: AuthVariables & { requestId: string; startedAt: number } };

export function routeRequest(
  c: Context<GatewayEnv>,
  deps: DispatchDeps,
  request: { ingress: Ingress; model: string; stream: boolean },
): Promise<Response> {
  return dispatch({
    gateway: c.get("gateway"),
    key: c.get("key"),
    ...request,
    requestId: c.get("requestId"),
    clientSignal: c.req.raw.signal,
    clientHeaders: c.req.raw.headers,
    startedAt: c.get("startedAt"),
  }, deps);
}
