/**
 * From a validated client request to a response: resolve the model to candidates, order them by
 * the routing strategy, and run the failover loop. Shared by every ingress (OpenAI, Anthropic).
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import type { Gateway } from "../gateway/build.ts";
import { GatewayError } from "../http/errors.ts";
import { type Candidate, type Resolution, resolve } from "../routing/resolve.ts";
import { orderCandidates, strategyFor } from "../routing/select.ts";
import type { Recorder } from "../stats/record.ts";
import { lazyClientHeaders } from "./headers.ts";
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
  /** The client's request headers (credentials are stripped before plugins see them). */
  clientHeaders: Headers;
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
  const routing = gateway.config.routing;
  const candidates = orderCandidates(withinContext(resolution.candidates, input), {
    strategy: strategyFor(routing, resolution.model),
    health: gateway.health,
    model: resolution.model,
    random: deps.random,
  });
  return await relay({
    ingress: input.ingress,
    stream: input.stream,
    requestedModel: input.model,
    model: resolution.model,
    key: input.key,
    requestId: input.requestId,
    clientSignal: input.clientSignal,
    clientHeaders: lazyClientHeaders(input.clientHeaders),
    startedAt: input.startedAt,
    time: Date.now(),
    candidates,
  }, {
    fetch: deps.fetch,
    recorder: deps.recorder,
    health: gateway.health,
    maxAttempts: routing.max_attempts,
    maxTotalMs: routing.max_total_time,
    maxResponseBytes: gateway.config.defaults.max_response_bytes,
  });
}

/** Drops channels whose context window the prompt would overflow. */
function withinContext(candidates: Candidate[], input: DispatchInput): Candidate[] {
  const limited = candidates.filter((c) => c.channel.config.max_context_tokens !== undefined);
  if (limited.length === 0) return candidates;
  const tokens = input.ingress.estimatePromptTokens();
  const fitting = candidates.filter((c) =>
    tokens <= (c.channel.config.max_context_tokens ?? Number.POSITIVE_INFINITY)
  );
  if (fitting.length > 0) return fitting;
  const largest = Math.max(...candidates.map((c) => c.channel.config.max_context_tokens!));
  throw new GatewayError(
    400,
    `This model's maximum context length is ${largest} tokens, but the prompt is about ${tokens} tokens`,
    { code: "context_length_exceeded", param: "messages" },
  );
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
