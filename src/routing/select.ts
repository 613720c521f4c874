/**
 * The order in which candidates are tried, by strategy:
 * - `priority`: the lowest priority group first; inside a group a weighted random order (a
 *   channel with twice the weight goes first twice as often);
 * - `cost`: cheapest first by the channels' price for the model (no price: last), ties by priority;
 * - `quota`: most quota left first (the tightest of its limits, as a share; unlimited: full);
 * - `latency`: lowest recent latency first (never measured: first, so it gets measured).
 * Channels whose breaker is open go last, soonest back first; the relay skips them while they
 * stay unavailable. Every candidate stays in the list so failover can reach it.
 */
import type { Config, Strategy } from "../config/schema.ts";
import type { ChannelHealth } from "./health.ts";
import { priceFor } from "../usage/price.ts";
import type { Candidate } from "./resolve.ts";

export interface SelectOptions {
  strategy: Strategy;
  health: ChannelHealth;
  /** The model after aliases, for price lookups. */
  model: string;
  random?: () => number;
  /** The share of its quota a candidate's channel has left (0–1), for the `quota` strategy. */
  remainingShare?: (candidate: Candidate) => number;
}

/** The strategy for `model`: its own override, else the routing default. */
export function strategyFor(routing: Config["routing"], model: string): Strategy {
  return Object.hasOwn(routing.models, model) ? routing.models[model].strategy : routing.strategy;
}

export function orderCandidates(
  candidates: readonly Candidate[],
  options: SelectOptions,
): Candidate[] {
  // The common case of one channel per model: nothing to order.
  if (candidates.length < 2) return [...candidates];
  const random = options.random ?? Math.random;
  const ordered = options.strategy === "cost"
    ? byKey(candidates, (c) => blendedPrice(c, options.model), random)
    : options.strategy === "quota"
    ? byKey(candidates, (c) => -(options.remainingShare?.(c) ?? 1), random)
    : options.strategy === "latency"
    ? byKey(candidates, (c) => options.health.latency(c.channel.name) ?? 0, random)
    : orderByPriority(candidates, random);
  const up = ordered.filter((c) => options.health.available(c.channel.name));
  const down = ordered.filter((c) => !options.health.available(c.channel.name))
    .sort((a, b) =>
      options.health.availableAt(a.channel.name) - options.health.availableAt(b.channel.name)
    );
  return [...up, ...down];
}

/** Orders by priority, then weighted random within each priority. */
export function orderByPriority(
  candidates: readonly Candidate[],
  random = Math.random,
): Candidate[] {
  const groups = new Map<number, Candidate[]>();
  for (const candidate of candidates) {
    const priority = candidate.channel.config.priority;
    groups.set(priority, [...(groups.get(priority) ?? []), candidate]);
  }
  return [...groups.keys()].sort((a, b) => a - b).flatMap((p) =>
    weightedShuffle(groups.get(p)!, random)
  );
}

/** Weighted random order without replacement; zero weights go last, in config order. */
export function weightedShuffle(items: readonly Candidate[], random = Math.random): Candidate[] {
  if (items.length < 2) return [...items];
  const pool = items.filter((c) => c.channel.config.weight > 0);
  const zero = items.filter((c) => c.channel.config.weight <= 0);
  const out: Candidate[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, c) => sum + c.channel.config.weight, 0);
    let r = random() * total;
    let index = 0;
    while (index < pool.length - 1 && r >= pool[index].channel.config.weight) {
      r -= pool[index].channel.config.weight;
      index++;
    }
    out.push(pool.splice(index, 1)[0]);
  }
  return [...out, ...zero];
}

/** Sorts by `key` ascending; equal keys keep the priority/weight order among themselves. */
function byKey(
  candidates: readonly Candidate[],
  key: (c: Candidate) => number,
  random: () => number,
): Candidate[] {
  const base = orderByPriority(candidates, random);
  const rank = new Map(base.map((c, i) => [c, i]));
  return base.sort((a, b) => key(a) - key(b) || rank.get(a)! - rank.get(b)!);
}

/** Price of an even mix of input and output tokens; unpriced channels sort last. */
function blendedPrice(candidate: Candidate, model: string): number {
  const price = priceFor(candidate.channel.config.price, model, candidate.upstreamModel);
  return price ? price.input + price.output : Number.POSITIVE_INFINITY;
}
