/**
 * WebSocket sessions open now, as the dashboard lists them. A session's record stays open (it is
 * deferred) until the session ends, so a middleware that sees an upgrade answered 101 keeps that
 * record's fields until it closes. Nothing is copied from the socket itself: only what the record
 * already holds (key name, channel, model), never a token.
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../ingress/route.ts";
import type { RequestLog } from "../stats/request_log.ts";

export interface OpenSession {
  requestId: string;
  /** Epoch ms of the upgrade request. */
  since: number;
  key: string;
  channel?: string;
  model?: string;
  path: string;
}

export class OpenSessions {
  readonly #open = new Map<RequestLog, string>();

  /** Mount after the request-context middleware, before the WebSocket routes. */
  track(): MiddlewareHandler<GatewayEnv> {
    const open = this.#open;
    return async function trackWebSockets(c, next) {
      const log = c.get("log");
      if (log?.protocol !== "websocket") return await next();
      let closed = false;
      // Registered first, so a session that ends before `next` returns is never listed.
      log.onClose(() => {
        closed = true;
        open.delete(log);
      });
      await next();
      if (c.res.status === 101 && log.deferred && !closed) {
        open.set(log, c.req.path.slice(0, 200));
      }
    };
  }

  get size(): number {
    return this.#open.size;
  }

  /** Open sessions, oldest first. */
  list(): OpenSession[] {
    return [...this.#open].map(([log, path]) => ({
      requestId: log.requestId,
      since: log.time,
      key: log.fields.key,
      channel: log.fields.channel,
      model: log.fields.model,
      path,
    })).sort((a, b) => a.since - b.since);
  }
}
