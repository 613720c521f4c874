/**
 * Each client format renders errors its own way, from its own sub-app's `onError` (Hono's
 * `route()` honours it), so no path pattern decides an error's shape. This is the part they
 * share: an expected error is rendered as it is; a gateway bug is logged with its stack and the
 * client gets a 500 naming the request id; the request's record learns the error.
 */
import type { Context, ErrorHandler } from "hono";
import { GatewayError, InternalError } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { GatewayEnv } from "./route.ts";

/** Renders a gateway error as the client's API would (status and headers included). */
export type ErrorRenderer = (error: GatewayError, requestId: string) => Response;

export function onGatewayError(render: ErrorRenderer, log: Logger): ErrorHandler<GatewayEnv> {
  return function onGatewayError(error: Error, c: Context<GatewayEnv>) {
    const id = c.get("requestId");
    let known: GatewayError;
    if (error instanceof InternalError) {
      log.error(`Gateway bug in request ${id}: ${stackOf(error.cause)}`);
      known = error;
    } else if (error instanceof GatewayError) known = error;
    else {
      log.error(`Gateway bug in request ${id} (${c.req.method} ${c.req.path}): ${stackOf(error)}`);
      known = new InternalError(id, error);
    }
    c.get("log")?.set({ error: known.message });
    return render(known, id);
  };
}

/** A 405 for `method` on a path that answers only `allow`. */
export function methodNotAllowed(allow: string): never {
  throw new GatewayError(405, `This path answers only ${allow}`, {
    code: "method_not_allowed",
    headers: { allow },
  });
}

function stackOf(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}
