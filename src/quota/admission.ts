/**
 * Where quotas meet the request path. A gateway key's quota is admitted once per request, after
 * the plan (so its cost can be priced at the dearest candidate); each channel's quota per attempt
 * (an exhausted channel is skipped like one that cannot take the request). Both settle when the
 * request's record closes, with the usage and cost it records.
 */
import { ENDPOINTS } from "../endpoints.ts";
import type { GatewayError } from "../errors.ts";
import type { RequestScope } from "../proxy/scope.ts";
import type { Candidate } from "../routing/resolve.ts";
import type { RequestRecord } from "../stats/record.ts";
import { effectivePrice } from "../usage/price.ts";
import { type Amount, nanoUsd } from "./amount.ts";
import { type QuotaRef, quotaRef, type Quotas, type Reservation } from "./quotas.ts";
import type { Config } from "../config/schema.ts";
import type { GatewayKey } from "../auth/key_ring.ts";
import type { Channel } from "../routing/channel.ts";
import type { RequestLog } from "../stats/request_log.ts";

/**
 * What one request may use, reserved before the call: the prompt (estimated) plus the longest
 * answer it allows (`max_tokens`, `max_completion_tokens`, `max_output_tokens`, Gemini's
 * `maxOutputTokens`, else `quotas.default_completion_tokens`), priced at the dearest candidate.
 */
export function requestNeed(
  scope: RequestScope,
  candidates: readonly Candidate[],
  model: string,
): Amount {
  const prompt = scope.ingress.estimatePromptTokens();
  const completion = !ENDPOINTS[scope.ingress.endpoint].generates
    ? 0
    : completionBudget(scope.body) ?? scope.gateway.config.quotas.default_completion_tokens;
  let cost = 0;
  for (const c of candidates) {
    const price = effectivePrice(c.channel.config.price, model, c.upstreamModel);
    if (price) cost = Math.max(cost, (prompt * price.input + completion * price.output) / 1e6);
  }
  return { requests: 1, tokens: prompt + completion, cost: nanoUsd(cost) };
}

/** The answer-length cap a request body sets, in any of the client dialects. */
function completionBudget(body: unknown): number | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  const config = b.generationConfig as Record<string, unknown> | undefined;
  for (
    const value of [
      b.max_completion_tokens,
      b.max_tokens,
      b.max_output_tokens,
      config?.maxOutputTokens,
    ]
  ) {
    if (typeof value === "number" && value > 0) return value;
  }
  return undefined;
}

/** Admits the request on its key's quota; it settles when the request is recorded. */
export async function admitKey(
  scope: RequestScope,
  quotas: Quotas,
  need: Amount,
): Promise<void> {
  const limits = scope.key.limits;
  if (!limits) return;
  const reservation = await quotas.admit(quotaRef("key", scope.key.name, limits), need);
  scope.log.onClose((record) => quotas.settle(reservation, usedBy(record)));
}

/**
 * Admits one attempt on its channel's quota: the reservation, or the 429 that says why the
 * channel was skipped. The attempt settles when the request is recorded: with the request's
 * usage if this channel served it, as a request alone if not.
 */
export async function admitChannel(
  scope: RequestScope,
  candidate: Candidate,
  quotas: Quotas,
  need: Amount,
): Promise<Reservation | GatewayError | undefined> {
  const limits = candidate.channel.config.limits;
  if (!limits) return undefined;
  try {
    const reservation = await quotas.admit(
      quotaRef("channel", candidate.channel.name, limits),
      need,
    );
    scope.log.onClose((record) =>
      quotas.settle(
        reservation,
        record.channel === candidate.channel.name ? usedBy(record) : { tokens: 0 },
      )
    );
    return reservation;
  } catch (error) {
    if (error && typeof error === "object" && (error as GatewayError).status === 429) {
      return error as GatewayError;
    }
    throw error;
  }
}

/** Every quota the config sets, on keys and channels, for views (`/metrics`, `/stats`). */
export function configuredQuotas(config: Config): QuotaRef[] {
  return [
    ...config.keys.flatMap((k) => k.limits ? [quotaRef("key", k.name, k.limits)] : []),
    ...config.channels.flatMap((c) => c.limits ? [quotaRef("channel", c.name, c.limits)] : []),
  ];
}

/**
 * Admission for WebSocket sessions, called for each channel tried at connect time: the key's
 * quota once per session, the channel's for each channel. A session reserves one request and
 * settles with the tokens its upstream reported (Realtime's `response.done` usage) at its close.
 */
export function webSocketAdmission(
  quotas: Quotas,
): (session: { key: GatewayKey; channel: Channel; log: RequestLog }) => Promise<void> {
  const keyAdmitted = new WeakSet<object>();
  const need = { requests: 1, tokens: 0, cost: 0 };
  return async ({ key, channel, log }) => {
    if (key.limits && !keyAdmitted.has(log)) {
      const reservation = await quotas.admit(quotaRef("key", key.name, key.limits), need);
      keyAdmitted.add(log);
      log.onClose((record) => quotas.settle(reservation, usedBy(record)));
    }
    const limits = channel.config.limits;
    if (limits) {
      const reservation = await quotas.admit(quotaRef("channel", channel.name, limits), need);
      log.onClose((record) =>
        quotas.settle(reservation, record.channel === channel.name ? usedBy(record) : { tokens: 0 })
      );
    }
  };
}

function usedBy(record: RequestRecord): { tokens: number; costUsd?: number } {
  const usage = record.usage;
  return { tokens: usage ? usage.prompt + usage.completion : 0, costUsd: record.costUsd };
}
