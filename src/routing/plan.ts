/**
 * The routing plan of a request, in three stages: resolve the model to the channels that serve
 * it; filter them (the key's channels, the key's models, the endpoint, the context window — and
 * quotas, which join the list with the usage ledger); order them by the routing strategy. Used by
 * requests and `/admin/providers` alike, so what the admin sees is what a request would do.
 *
 * Resolution depends only on the config snapshot and the model catalog, so it is cached per
 * snapshot and catalog version; filters and ordering run per request.
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import type { Strategy } from "../config/schema.ts";
import { type Endpoint, ENDPOINTS, servedAs } from "../endpoints.ts";
import { GatewayError } from "../errors.ts";
import type { Gateway } from "../gateway/build.ts";
import { type Candidate, type Resolution, resolve } from "./resolve.ts";
import { orderCandidates, strategyFor } from "./select.ts";
import { periodAt, secondsUntil } from "../quota/period.ts";
import { quotaRef, type Quotas } from "../quota/quotas.ts";

export interface PlanInput {
  gateway: Gateway;
  key: GatewayKey;
  /** The model the client asked for. */
  requested: string;
  endpoint: Endpoint;
  /** The prompt's tokens, estimated on demand, for the context-window filter. */
  promptTokens?: () => number;
  /** The one channel allowed: it holds the conversation the request continues. */
  pinnedChannel?: string;
  random?: () => number;
  /** Channel quotas: spent ones are skipped, and the `quota` strategy orders by what is left. */
  quotas?: Quotas;
}

export interface RoutePlan {
  /** The model after aliases. */
  model: string;
  strategy: Strategy;
  /** In the order to try them. */
  candidates: Candidate[];
}

/** Narrows the candidates; throws, naming why, when none remain. */
type Filter = (candidates: Candidate[], input: PlanInput, model: string) => Candidate[];

/** In the order they apply; each one's refusal names the first rule that left nothing. */
const FILTERS: readonly Filter[] = [
  byPinnedChannel,
  byKeyChannels,
  byKeyModels,
  byEndpoint,
  byContextWindow,
  byQuota,
];

/**
 * @throws {GatewayError} 404 unknown model, 403 not allowed, 400 unsupported or too long, 429
 * every candidate's channel quota spent.
 */
export function planRoute(input: PlanInput): RoutePlan {
  const { gateway } = input;
  const resolution = cachedResolve(input);
  let candidates = resolution.candidates;
  for (const filter of FILTERS) candidates = filter(candidates, input, resolution.model);
  const strategy = strategyFor(gateway.config.routing, resolution.model);
  return {
    model: resolution.model,
    strategy,
    candidates: orderCandidates(candidates, {
      strategy,
      health: gateway.health,
      model: resolution.model,
      random: input.random,
      remainingShare: input.quotas && ((c) => {
        const limits = c.channel.config.limits;
        return limits
          ? input.quotas!.remainingShare(quotaRef("channel", c.channel.name, limits))
          : 1;
      }),
    }),
  };
}

/**
 * {@link planRoute}, but when the model is unknown while some channels' model lists have not been
 * fetched yet, fetches those once and tries again.
 */
export async function planRouteWithDiscovery(input: PlanInput): Promise<RoutePlan> {
  try {
    return planRoute(input);
  } catch (error) {
    const { catalog, channels } = input.gateway;
    const pending = catalog.unknown(channels);
    if (!(error instanceof GatewayError) || error.status !== 404 || pending.length === 0) {
      throw error;
    }
    await catalog.refresh(pending);
    return planRoute(input);
  }
}

const resolutions = new WeakMap<Gateway, { version: number; byModel: Map<string, Resolution> }>();

function cachedResolve(input: PlanInput): Resolution {
  const { gateway } = input;
  const { catalog } = gateway;
  let cache = resolutions.get(gateway);
  if (!cache || cache.version !== catalog.version) {
    cache = { version: catalog.version, byModel: new Map() };
    resolutions.set(gateway, cache);
  }
  let resolution = cache.byModel.get(input.requested);
  if (!resolution) {
    resolution = resolve(
      input.requested,
      input.key,
      gateway.channels,
      catalog,
      gateway.config.routing.aliases,
    );
    // Bounded: a client sending endless distinct (valid) names cannot grow it without end.
    if (cache.byModel.size < 10_000) cache.byModel.set(input.requested, resolution);
  }
  return resolution;
}

/**
 * A follow-up to a response an upstream stores goes back to the channel that stores it; when that
 * channel is gone, the status and code are OpenAI's for an unknown `previous_response_id`.
 */
function byPinnedChannel(candidates: Candidate[], { pinnedChannel }: PlanInput, model: string) {
  if (pinnedChannel === undefined) return candidates;
  const pinned = candidates.filter((c) => c.channel.name === pinnedChannel);
  if (pinned.length > 0) return pinned;
  throw new GatewayError(
    400,
    `Previous response is stored by channel "${pinnedChannel}", which does not serve model "${model}" now`,
    { code: "previous_response_not_found", param: "previous_response_id" },
  );
}

/** Drops channels whose quota is known to be spent in this period (they are tried again after
 * the reset, or as soon as a lease grant finds budget). */
function byQuota(candidates: Candidate[], input: PlanInput) {
  const quotas = input.quotas;
  if (!quotas || !candidates.some((c) => c.channel.config.limits)) return candidates;
  const spent = (c: Candidate) => {
    const limits = c.channel.config.limits;
    return limits !== undefined && quotas.exhausted(quotaRef("channel", c.channel.name, limits));
  };
  const open = candidates.filter((c) => !spent(c));
  if (open.length > 0) return open;
  const now = Date.now();
  const retry = Math.min(...candidates.map((c) => {
    const limits = c.channel.config.limits!;
    return secondsUntil(periodAt(limits.reset, limits.timezone, now), now);
  }));
  throw new GatewayError(
    429,
    `Every channel serving this model has used its quota for now: ${
      candidates.map((c) => `"${c.channel.name}"`).join(", ")
    }`,
    {
      type: "rate_limit_error",
      code: "channel_quota_exceeded",
      headers: { "retry-after": String(retry) },
    },
  );
}

function byKeyChannels(candidates: Candidate[], { key }: PlanInput, model: string) {
  if (!key.channels) return candidates;
  const allowed = candidates.filter((c) => key.channels!.has(c.channel.name));
  if (allowed.length > 0) return allowed;
  const names = candidates.map((c) => `"${c.channel.name}"`).join(", ");
  throw new GatewayError(
    403,
    `Key "${key.name}" may not use channel ${names} that serve${
      candidates.length === 1 ? "s" : ""
    } model "${model}"`,
    { code: "channel_not_allowed", param: "model" },
  );
}

function byKeyModels(candidates: Candidate[], { key }: PlanInput, model: string) {
  const allowed = candidates.filter((c) => key.allowsModel(model, c.channel.name));
  if (allowed.length > 0) return allowed;
  throw new GatewayError(403, `Key "${key.name}" may not use model "${model}"`, {
    code: "model_not_allowed",
    param: "model",
  });
}

function byEndpoint(candidates: Candidate[], { endpoint }: PlanInput, model: string) {
  const able = candidates.filter((c) => servedAs(c.channel.endpoints, endpoint) !== undefined);
  if (able.length > 0) return able;
  throw new GatewayError(
    400,
    `Model "${model}" is not served for ${ENDPOINTS[endpoint].path} by ${
      candidates.map((c) => `"${c.channel.name}"`).join(", ")
    }`,
    { code: "unsupported_endpoint", param: "model" },
  );
}

/** Drops channels whose context window the prompt would overflow. */
function byContextWindow(candidates: Candidate[], input: PlanInput) {
  if (!input.promptTokens || !candidates.some((c) => c.channel.config.max_context_tokens)) {
    return candidates;
  }
  const tokens = input.promptTokens();
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
