/**
 * What the gateway has learnt about each channel: a circuit breaker and a latency average. Kept
 * outside the config snapshot so a reload does not forget that a channel is failing.
 *
 * Breaker: `closed` until `failures` consecutive failures (or an upstream 429 / Retry-After) trip
 * it `open` for a cooldown that doubles on each re-trip up to `maxCooldown`; after the cooldown
 * one request is let through as a probe (`half_open`): success closes it, failure re-opens it.
 */

export type BreakerState = "closed" | "open" | "half_open";

export interface HealthOptions {
  /** Consecutive failures that open the breaker. @default 3 */
  failures?: number;
  /** First cooldown. @default 30_000 */
  cooldownMs?: number;
  /** Longest cooldown after repeated trips. @default 300_000 */
  maxCooldownMs?: number;
  /** Weight of the newest sample in the latency average. @default 0.2 */
  ewmaAlpha?: number;
  now?: () => number;
}

interface Entry {
  state: BreakerState;
  consecutiveFailures: number;
  trips: number;
  openUntil: number;
  probeInFlight: boolean;
  latencyMs?: number;
  successes: number;
  failuresTotal: number;
  lastError?: string;
}

/** A channel's health as shown in `/health` and `/admin/providers`. */
export interface HealthSnapshot {
  state: BreakerState;
  consecutive_failures: number;
  /** Epoch ms when an open breaker lets a probe through. */
  open_until?: number;
  latency_ms?: number;
  successes: number;
  failures: number;
  last_error?: string;
}

export class ChannelHealth {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  failures: number;
  cooldownMs: number;
  maxCooldownMs: number;
  readonly #alpha: number;

  constructor(options: HealthOptions = {}) {
    this.failures = options.failures ?? 3;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.maxCooldownMs = options.maxCooldownMs ?? 300_000;
    this.#alpha = options.ewmaAlpha ?? 0.2;
    this.#now = options.now ?? Date.now;
  }

  #entry(channel: string): Entry {
    let entry = this.#entries.get(channel);
    if (!entry) {
      entry = {
        state: "closed",
        consecutiveFailures: 0,
        trips: 0,
        openUntil: 0,
        probeInFlight: false,
        successes: 0,
        failuresTotal: 0,
      };
      this.#entries.set(channel, entry);
    }
    return entry;
  }

  /** The breaker state now (an open breaker past its cooldown reads as half-open). */
  state(channel: string): BreakerState {
    const entry = this.#entries.get(channel);
    if (!entry) return "closed";
    if (entry.state === "open" && this.#now() >= entry.openUntil) return "half_open";
    return entry.state;
  }

  /** Whether a request may go to `channel` now; claims the probe slot of a half-open breaker. */
  tryAcquire(channel: string): boolean {
    const state = this.state(channel);
    if (state === "closed") return true;
    const entry = this.#entry(channel);
    if (state === "half_open" && !entry.probeInFlight) {
      entry.state = "half_open";
      entry.probeInFlight = true;
      return true;
    }
    return false;
  }

  /** Whether `channel` would take a request now, without claiming anything. */
  available(channel: string): boolean {
    const state = this.state(channel);
    return state === "closed" || (state === "half_open" && !this.#entry(channel).probeInFlight);
  }

  /** When an unavailable channel is due back (epoch ms). */
  availableAt(channel: string): number {
    return this.#entries.get(channel)?.openUntil ?? 0;
  }

  success(channel: string, latencyMs: number): void {
    const entry = this.#entry(channel);
    entry.state = "closed";
    entry.consecutiveFailures = 0;
    entry.trips = 0;
    entry.probeInFlight = false;
    entry.successes++;
    entry.latencyMs = entry.latencyMs === undefined
      ? latencyMs
      : entry.latencyMs + this.#alpha * (latencyMs - entry.latencyMs);
  }

  /**
   * Counts a failure that says something about the channel (5xx, timeout, connection, 429).
   * @param retryAfterMs the upstream asked for a pause: open the breaker that long, at most
   * `maxCooldownMs`.
   */
  failure(channel: string, error: string, retryAfterMs?: number): void {
    const entry = this.#entry(channel);
    entry.consecutiveFailures++;
    entry.failuresTotal++;
    entry.lastError = error;
    const wasProbe = entry.state === "half_open";
    entry.probeInFlight = false;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      // An upstream's Retry-After is a hint, not a command: never longer than our own longest.
      this.#open(entry, Math.min(retryAfterMs, this.maxCooldownMs));
    } else if (wasProbe || entry.consecutiveFailures >= this.failures) {
      const cooldown = Math.min(this.cooldownMs * 2 ** entry.trips, this.maxCooldownMs);
      this.#open(entry, cooldown);
      entry.trips++;
    }
  }

  /** Releases a probe slot without a verdict (the client left, or a 4xx said nothing). */
  release(channel: string): void {
    const entry = this.#entries.get(channel);
    if (entry?.state === "half_open") {
      entry.probeInFlight = false;
      entry.state = "open";
    }
  }

  #open(entry: Entry, ms: number): void {
    entry.state = "open";
    entry.openUntil = this.#now() + ms;
  }

  latency(channel: string): number | undefined {
    return this.#entries.get(channel)?.latencyMs;
  }

  snapshot(channel: string): HealthSnapshot {
    const entry = this.#entries.get(channel);
    const state = this.state(channel);
    return {
      state,
      consecutive_failures: entry?.consecutiveFailures ?? 0,
      ...(state !== "closed" && entry ? { open_until: entry.openUntil } : {}),
      ...(entry?.latencyMs !== undefined
        ? { latency_ms: Math.round(entry.latencyMs * 10) / 10 }
        : {}),
      successes: entry?.successes ?? 0,
      failures: entry?.failuresTotal ?? 0,
      ...(entry?.lastError ? { last_error: entry.lastError } : {}),
    };
  }

  /** Forgets channels that no longer exist. */
  retain(names: Iterable<string>): void {
    const keep = new Set(names);
    for (const name of this.#entries.keys()) if (!keep.has(name)) this.#entries.delete(name);
  }
}
