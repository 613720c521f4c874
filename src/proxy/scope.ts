/**
 * One client request as the proxy sees it, built once by the route that parsed it and passed
 * down whole (as Hono passes one `Context`), and the dependencies every part of the proxy takes
 * (as parameters, so tests supply their own clock, randomness and fetch).
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import type { Gateway } from "../gateway/build.ts";
import type { Ingress } from "../ingress/ingress.ts";
import type { Logger } from "../log/logger.ts";
import type { RequestLog } from "../stats/request_log.ts";
import type { Quotas } from "../quota/quotas.ts";
import type { DeadlineWheel } from "./deadlines.ts";

export interface RequestScope {
  readonly id: string;
  /** The config snapshot the request started with; a reload mid-request does not change it. */
  readonly gateway: Gateway;
  readonly key: GatewayKey;
  /** The gateway token the client presented, scrubbed from anything an upstream wrote. */
  readonly token: string | undefined;
  readonly ingress: Ingress;
  /** The model the client asked for. */
  readonly model: string;
  readonly stream: boolean;
  /** The client's request body as parsed, for usage estimates when an upstream reports none. */
  readonly body?: unknown;
  /** The client's abort signal. A function: reading it costs, and most calls never need it. */
  clientSignal(): AbortSignal;
  /** The client's headers without gateway credentials, copied on first use. */
  clientHeaders(): Headers;
  /** The request's one record (access log, usage): arrival times, and what is learnt. */
  readonly log: RequestLog;
}

export interface ProxyDeps {
  /** Never follows redirects (`createApp` wraps whatever it is given). */
  fetch: typeof fetch;
  deadlines: DeadlineWheel;
  /** Monotonic milliseconds, as `performance.now()`. */
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
  /** Diagnostics: failed attempts, breaker changes, gateway bugs. */
  log: Logger;
  /** Request, token and cost quotas of keys and channels. */
  quotas: Quotas;
}
