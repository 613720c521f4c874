/**
 * Quotas that hold across instances without a KV round trip per request.
 *
 * Admission reserves before the upstream call (requests: 1; tokens: the prompt estimate plus the
 * answer's `max_tokens`; cost: those tokens at the channel's price) and settlement replaces the
 * reservation with what was used. Reservations are taken from a *lease*: a slice of the quota's
 * remaining budget (`quotas.slice` of the limit) that this instance took from KV and admits from
 * in memory. A grant is one atomic write guarded by the quota's epoch key, so leases of all
 * instances plus settled usage never exceed the limit. Settled usage is flushed with the ledger:
 * added to the KV sum and taken off the lease in the same write. A lease not renewed within
 * `quotas.lease_ttl` (its instance died) stops counting, so its budget returns to the pool.
 *
 * Grants and settlements of one quota are serialised within an instance, and both bump the epoch,
 * so no grant is computed from a read that a settlement elsewhere overtook.
 *
 * Overspend is therefore bounded by instances × slice (a lease expiring while its holder still
 * serves from it), plus what requests in flight use beyond their reservation.
 */
import { GatewayError } from "../errors.ts";
import type { Config, LimitsConfig } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import { quotaKeys, type QuotaScope } from "../store/keys.ts";
import { add, type Amount, limitsOf, QUOTA_METRICS, type QuotaMetric, zero } from "./amount.ts";
import { type Period, periodAt, secondsUntil } from "./period.ts";
import { retryBusy } from "../store/retry.ts";

export interface QuotaRef {
  scope: QuotaScope;
  name: string;
  limits: LimitsConfig;
}

export function quotaRef(scope: QuotaScope, name: string, limits: LimitsConfig): QuotaRef {
  return { scope, name, limits };
}

/** The quota settings from the config's `quotas:` section. */
export function quotaSettings(config: Config): QuotaSettings {
  return { slice: config.quotas.slice, leaseTtlMs: config.quotas.lease_ttl };
}

export interface QuotaSettings {
  /** Share of the limit one lease takes. */
  slice: number;
  leaseTtlMs: number;
}

/** A budget set aside for one request (or one attempt on a channel) until it settles. */
export interface Reservation {
  readonly ref: QuotaRef;
  readonly amount: Amount;
  settled: boolean;
  /** @internal */
  readonly state: QuotaState;
}

export interface QuotaView {
  scope: QuotaScope;
  name: string;
  metric: QuotaMetric;
  limit: number;
  /** As far as this instance knows: the limit less settled usage everywhere and its own use. */
  remaining: number;
  period: Period;
}

interface LeaseValue extends Amount {
  expiresAt: number;
}

/** One quota in one period, as this instance holds it. */
interface QuotaState {
  ref: QuotaRef;
  limits: Partial<Amount>;
  period: Period;
  /** Budget leased and not yet flushed as used (what KV's lease record says, once written). */
  lease: Amount;
  /** Settled here, not yet flushed. */
  used: Amount;
  /** Set aside for requests in flight. */
  reserved: Amount;
  /** Settled usage in KV at the last read, for views. */
  knownUsed: Amount;
  leaseWrittenAt: number;
  /** The last admission here, so an idle instance gives its lease back. */
  lastAdmitAt: number;
  granting?: Promise<boolean>;
  /**
   * The last KV write of this state (a grant or a settlement): each runs after the one before,
   * since both rewrite the lease from the in-memory one and would otherwise lose each other's
   * change.
   */
  writing: Promise<unknown>;
  /** The last grant found nothing free: routing skips it until a grant succeeds again. */
  exhausted: boolean;
}

export interface QuotasOptions {
  kv: Deno.Kv;
  settings: () => QuotaSettings;
  /** This process's name in lease records. @default a random UUID */
  instance?: string;
  now?: () => number;
  log?: Pick<Logger, "warn">;
}

const GRANT_ATTEMPTS = 8;

export class Quotas {
  readonly #kv: Deno.Kv;
  readonly #settings: () => QuotaSettings;
  readonly #instance: string;
  readonly #now: () => number;
  readonly #log: Pick<Logger, "warn">;
  readonly #states = new Map<string, QuotaState>();

  constructor(options: QuotasOptions) {
    this.#kv = options.kv;
    this.#settings = options.settings;
    this.#instance = options.instance ?? crypto.randomUUID();
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? { warn: () => {} };
  }

  /**
   * Sets `need` aside from the quota, leasing more budget from KV when the local lease is short.
   * @throws {GatewayError} 429 with `Retry-After` to the next reset when the budget is spent.
   */
  async admit(ref: QuotaRef, need: Amount): Promise<Reservation> {
    const state = this.#state(ref);
    // Concurrent admissions share one grant; each re-checks after it, and only a grant that
    // found nothing free refuses.
    while (!fits(state, need)) {
      if (!await this.#grant(state, need)) throw this.#exceeded(state);
    }
    add(state.reserved, need);
    state.lastAdmitAt = this.#now();
    return { ref, amount: need, settled: false, state };
  }

  /** Whether routing should skip this quota's channel: its budget is known to be spent. */
  exhausted(ref: QuotaRef): boolean {
    const state = this.#states.get(idOf(ref, this.#periodOf(ref).start));
    return state !== undefined && state.exhausted &&
      !fits(state, { requests: 1, tokens: 1, cost: 0 });
  }

  /** The fraction left of the tightest limit (1 when nothing is known yet), for the quota strategy. */
  remainingShare(ref: QuotaRef): number {
    const views = this.view(ref);
    if (views.length === 0) return 1;
    return Math.min(...views.map((v) => Math.max(0, v.remaining) / v.limit));
  }

  /** Replaces a reservation with what was used (requests always 1, as admitted). */
  settle(reservation: Reservation, used: { tokens: number; costUsd?: number }): void {
    if (reservation.settled) return;
    reservation.settled = true;
    const { state } = reservation;
    add(state.reserved, reservation.amount, -1);
    add(state.used, {
      requests: 1,
      tokens: used.tokens,
      cost: Math.round((used.costUsd ?? 0) * 1e9),
    });
  }

  /** Reads what every instance has settled so far, so {@link view} is current (admin pages). */
  async sync(ref: QuotaRef): Promise<void> {
    const state = this.#state(ref);
    const p = state.period.start;
    const entries = await this.#kv.getMany<Deno.KvU64[]>(
      QUOTA_METRICS.map((m) => [...quotaKeys.used(ref.scope, ref.name, p, m)]),
    );
    QUOTA_METRICS.forEach((m, i) => state.knownUsed[m] = Number(entries[i].value?.value ?? 0n));
  }

  /** The quota as this instance sees it, per limited metric. */
  view(ref: QuotaRef): QuotaView[] {
    const period = this.#periodOf(ref);
    const state = this.#states.get(idOf(ref, period.start));
    const limits = limitsOf(ref.limits);
    return QUOTA_METRICS.filter((m) => limits[m] !== undefined).map((metric) => ({
      scope: ref.scope,
      name: ref.name,
      metric,
      limit: limits[metric]!,
      remaining: limits[metric]! -
        (state ? state.knownUsed[metric] + state.used[metric] + state.reserved[metric] : 0),
      period,
    }));
  }

  /**
   * Writes settled usage to KV (added to the sums, taken off the lease in one write), renews
   * leases before they expire, and forgets past periods once flushed.
   */
  async flush(): Promise<void> {
    const now = this.#now();
    const ttl = this.#settings().leaseTtlMs;
    for (const [id, state] of this.#states) {
      const pending = QUOTA_METRICS.some((m) => state.used[m] !== 0);
      const stale = now - state.leaseWrittenAt > ttl / 3 && hasAny(state.lease);
      // Idle for a lease's lifetime: give the budget back rather than keep renewing it.
      const idle = now - state.lastAdmitAt > ttl && !hasAny(state.reserved);
      if (pending || stale) {
        try {
          await this.#serial(
            state,
            () => retryBusy(() => this.#writeSettled(state, now, ttl, idle)),
          );
        } catch (error) {
          this.#log.warn(`Quota ${state.ref.scope} "${state.ref.name}": flush failed (${error})`);
          continue;
        }
      }
      const over = state.period.end <= now;
      if (over && !hasAny(state.reserved) && !hasAny(state.used)) this.#states.delete(id);
    }
  }

  /** Deletes a quota's usage and leases in the current period (`POST /admin/usage/reset`). */
  async reset(ref: QuotaRef): Promise<void> {
    const period = this.#periodOf(ref);
    const op = this.#kv.atomic();
    for (const prefix of [quotaKeys.usedIn, quotaKeys.leasesIn]) {
      for await (
        const entry of this.#kv.list({ prefix: prefix(ref.scope, ref.name, period.start) })
      ) {
        op.delete(entry.key);
      }
    }
    op.sum([...quotaKeys.epoch(ref.scope, ref.name, period.start)], 1n);
    await op.commit();
    this.#states.delete(idOf(ref, period.start));
  }

  #periodOf(ref: QuotaRef): Period {
    return periodAt(ref.limits.reset, ref.limits.timezone, this.#now());
  }

  #state(ref: QuotaRef): QuotaState {
    const period = this.#periodOf(ref);
    const id = idOf(ref, period.start);
    let state = this.#states.get(id);
    if (!state) {
      state = {
        ref,
        limits: limitsOf(ref.limits),
        period,
        lease: zero(),
        used: zero(),
        reserved: zero(),
        knownUsed: zero(),
        leaseWrittenAt: 0,
        lastAdmitAt: 0,
        exhausted: false,
        writing: Promise.resolve(),
      };
      this.#states.set(id, state);
    }
    // A reload may change the limits; the period stays the one the state was made for.
    state.ref = ref;
    state.limits = limitsOf(ref.limits);
    return state;
  }

  /**
   * Leases more budget; concurrent callers share one grant. Whether it leased anything.
   * @throws {GatewayError} 503 when the store stays unavailable.
   */
  #grant(state: QuotaState, need: Amount): Promise<boolean> {
    state.granting ??= this.#serial(state, () => retryBusy(() => this.#grantOnce(state, need)))
      .catch((error) => {
        throw new GatewayError(
          503,
          `The quota store is unavailable: ${error instanceof Error ? error.message : error}`,
          { code: "store_unavailable", headers: { "retry-after": "1" } },
        );
      })
      .finally(() => state.granting = undefined);
    return state.granting;
  }

  /** Runs `write` after the state's previous KV write has finished. */
  #serial<T>(state: QuotaState, write: () => Promise<T>): Promise<T> {
    const run = state.writing.then(write);
    state.writing = run.catch(() => {});
    return run;
  }

  async #grantOnce(state: QuotaState, need: Amount): Promise<boolean> {
    const { ref } = state;
    const p = state.period.start;
    const epochKey = [...quotaKeys.epoch(ref.scope, ref.name, p)];
    const mine = [...quotaKeys.lease(ref.scope, ref.name, p, this.#instance)];
    const { slice, leaseTtlMs } = this.#settings();
    for (let attempt = 0; attempt < GRANT_ATTEMPTS; attempt++) {
      const now = this.#now();
      const [epoch, ...usedEntries] = await this.#kv.getMany<unknown[]>([
        epochKey,
        ...QUOTA_METRICS.map((m) => [...quotaKeys.used(ref.scope, ref.name, p, m)]),
      ]);
      const others = zero();
      for await (
        const lease of this.#kv.list<LeaseValue>({
          prefix: quotaKeys.leasesIn(ref.scope, ref.name, p),
        })
      ) {
        if (lease.key.at(-1) === this.#instance || lease.value.expiresAt <= now) continue;
        add(others, lease.value);
      }
      QUOTA_METRICS.forEach((m, i) =>
        state.knownUsed[m] = Number((usedEntries[i].value as Deno.KvU64 | null)?.value ?? 0n)
      );
      const grant = zero();
      let short = false;
      for (const m of QUOTA_METRICS) {
        const limit = state.limits[m];
        if (limit === undefined) continue;
        const free = limit - state.knownUsed[m] - others[m] - state.lease[m];
        const missing = need[m] - available(state, m);
        const want = Math.max(Math.ceil(limit * slice), missing);
        grant[m] = Math.max(0, Math.min(want, free));
        if (available(state, m) + grant[m] < need[m]) short = true;
      }
      if (short) {
        state.exhausted = true;
        return false;
      }
      const lease = { ...state.lease };
      add(lease, grant);
      const result = await this.#kv.atomic()
        .check({ key: epochKey, versionstamp: epoch.versionstamp })
        .sum(epochKey, 1n)
        .set(mine, { ...lease, expiresAt: now + leaseTtlMs } satisfies LeaseValue, {
          expireIn: leaseTtlMs,
        })
        .commit();
      if (result.ok) {
        state.lease = lease;
        state.leaseWrittenAt = now;
        state.exhausted = false;
        return true;
      }
      // Another instance granted in between: read again.
    }
    this.#log.warn(`Quota ${ref.scope} "${ref.name}": could not lease budget (contention)`);
    return false;
  }

  async #writeSettled(state: QuotaState, now: number, ttl: number, release: boolean) {
    const { ref } = state;
    const p = state.period.start;
    const used = { ...state.used };
    const lease = { ...state.lease };
    add(lease, used, -1);
    for (const m of QUOTA_METRICS) lease[m] = release ? 0 : Math.max(0, lease[m]);
    // Bumping the epoch fails any grant elsewhere that read the sums before this write and the
    // leases after it (a getMany and a list are not one snapshot): it reads again.
    const op = this.#kv.atomic().sum([...quotaKeys.epoch(ref.scope, ref.name, p)], 1n);
    for (const m of QUOTA_METRICS) {
      if (used[m] > 0) op.sum([...quotaKeys.used(ref.scope, ref.name, p, m)], BigInt(used[m]));
    }
    const mine = [...quotaKeys.lease(ref.scope, ref.name, p, this.#instance)];
    if (hasAny(lease) || hasAny(state.reserved)) {
      op.set(mine, { ...lease, expiresAt: now + ttl } satisfies LeaseValue, { expireIn: ttl });
    } else op.delete(mine);
    const result = await op.commit();
    if (!result.ok) throw new Error("atomic write refused");
    add(state.used, used, -1);
    add(state.knownUsed, used);
    state.lease = lease;
    state.leaseWrittenAt = now;
  }

  #exceeded(state: QuotaState): GatewayError {
    const { ref } = state;
    const retryAfter = secondsUntil(state.period, this.#now());
    const what = ref.scope === "key" ? `Key "${ref.name}"` : `Channel "${ref.name}"`;
    return new GatewayError(
      429,
      `${what} has used its quota until ${new Date(state.period.end).toISOString()}`,
      {
        type: "rate_limit_error",
        code: "quota_exceeded",
        headers: { "retry-after": String(retryAfter) },
      },
    );
  }
}

/** Views as `/metrics` reports them: cost in USD, and when each quota resets. */
export function quotaSnapshots(quotas: Quotas, refs: readonly QuotaRef[]) {
  return refs.flatMap((ref) =>
    quotas.view(ref).map((v) => ({
      scope: v.scope,
      name: v.name,
      metric: v.metric,
      limit: v.metric === "cost" ? v.limit / 1e9 : v.limit,
      remaining: v.metric === "cost" ? v.remaining / 1e9 : v.remaining,
      resetsAt: v.period.end,
    }))
  );
}

function idOf(ref: QuotaRef, periodStart: number): string {
  return `${ref.scope}\u0000${ref.name}\u0000${periodStart}`;
}

function available(state: QuotaState, m: QuotaMetric): number {
  return state.lease[m] - state.used[m] - state.reserved[m];
}

/** Whether the lease covers `need` on every limited metric. */
function fits(state: QuotaState, need: Amount): boolean {
  return QUOTA_METRICS.every((m) =>
    state.limits[m] === undefined || available(state, m) >= need[m]
  );
}

function hasAny(a: Amount): boolean {
  return a.requests !== 0 || a.tokens !== 0 || a.cost !== 0;
}
