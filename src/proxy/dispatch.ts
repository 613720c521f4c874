/**
 * From a validated client request to a response: resolve the model to candidates, order them by
 * the routing strategy, and run the failover loop. Shared by every ingress (OpenAI, Anthropic).
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import type { Gateway } from "../gateway/build.ts";
import { GatewayError } from "../http/errors.ts";
import { type Resolution, resolve } from "../routing/resolve.ts";
import { orderByPriority } from "../routing/select.ts";
import type { Recorder } from "../stats/record.ts";
import type { Ingress } from "./ingress.ts";
import { relay } from "./relay.ts";

export interface DispatchInput {
  gateway: Gateway;
  key: GatewayKey;
  ingress: Ingress;
  /** The model the client asked for. */
  model: string;
  stream: boolean;
  requestId: string;
  clientSignal: AbortSignal;
  startedAt: number;
}

export interface DispatchDeps {
  fetch: typeof fetch;
  recorder: Recorder;
  random?: () => number;
}

export async function dispatch(input: DispatchInput, deps: DispatchDeps): Promise<Response> {
  const { gateway } = input;
  const resolution = await resolveWithDiscovery(input);
  const candidates = orderByPriority(resolution.candidates, deps.random);
  return await relay({
    ingress: input.ingress,
    stream: input.stream,
    requestedModel: input.model,
    model: resolution.model,
    key: input.key,
    requestId: input.requestId,
    clientSignal: input.clientSignal,
    startedAt: input.startedAt,
    time: Date.now(),
    candidates,
  }, {
    fetch: deps.fetch,
    recorder: deps.recorder,
    maxAttempts: gateway.config.routing.max_attempts,
    maxTotalMs: gateway.config.routing.max_total_time,
    maxResponseBytes: gateway.config.defaults.max_response_bytes,
  });
}

/** Resolves; if the model is unknown while some channels' lists are still unfetched, fetches
 * those once and tries again. */
async function resolveWithDiscovery(input: DispatchInput): Promise<Resolution> {
  const { gateway } = input;
  const run = () =>
    resolve(
      { requested: input.model, endpoint: input.ingress.endpoint, key: input.key },
      gateway.channels,
      gateway.catalog,
      gateway.config.routing.aliases,
    );
  try {
    return run();
  } catch (error) {
    const pending = gateway.catalog.unknown(gateway.channels);
    if (!(error instanceof GatewayError) || error.status !== 404 || pending.length === 0) {
      throw error;
    }
    await gateway.catalog.refresh(pending);
    return run();
  }
}
