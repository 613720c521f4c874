/**
 * The order in which candidates are tried. `priority`: the lowest priority group first, and
 * inside a group a weighted random order (a channel with twice the weight goes first twice as
 * often). Every candidate stays in the list so failover can reach it.
 */
import type { Candidate } from "./resolve.ts";

/** Orders candidates by priority, then weighted random within each priority. */
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
