/**
 * The usage ledger: every finished request added up in memory and written to Deno KV in one
 * batch per `usage.flush_interval` — counters as KV `sum`s (so several instances on one KV add up
 * exactly, without conflicts) and each request as an entry of the recent-request log (expiring by
 * itself after `usage.recent_ttl`). The request path never waits on KV. A failed write keeps the
 * batch for the next flush; `flush()` at shutdown writes what is left. Aggregates older than their
 * retention are swept hourly.
 */
import type { Config } from "../config/schema.ts";
import { isEndpoint } from "../endpoints.ts";
import type { Logger } from "../log/logger.ts";
import type { Recorder, RequestRecord } from "../stats/record.ts";
import { type Dimension, recentKeys, usageKeys } from "../store/keys.ts";
import { GRANULARITIES, METRICS, type Row, spanOf, UsageBatch } from "./batch.ts";
import { retryBusy } from "../store/retry.ts";

export interface LedgerSettings {
  flushMs: number;
  recentTtlMs: number;
  retentionMs: { minute: number; hour: number; day: number };
}

/** The ledger's settings from the config's `usage:` section. */
export function ledgerSettings(config: Config): LedgerSettings {
  const usage = config.usage;
  return {
    flushMs: usage.flush_interval,
    recentTtlMs: usage.recent_ttl,
    retentionMs: usage.retention,
  };
}

export interface LedgerOptions {
  kv: Deno.Kv;
  /** Read at every flush, so reloads apply. */
  settings: () => LedgerSettings;
  log?: Pick<Logger, "warn">;
  /** @default Date.now */
  now?: () => number;
}

/** Mutations per atomic write: Deno KV allows 1000; half leaves room under the size limit. */
const PER_ATOMIC = 500;
/** Recent-log entries held for one flush at most; past it, entries are dropped (and counted). */
const MAX_PENDING_ENTRIES = 20_000;
const SWEEP_EVERY_MS = 3_600_000;

export class Ledger implements Recorder {
  readonly #kv: Deno.Kv;
  readonly #settings: () => LedgerSettings;
  readonly #log: Pick<Logger, "warn">;
  readonly #now: () => number;
  #batch = new UsageBatch();
  #entries: RequestRecord[] = [];
  #dropped = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> | undefined;
  #lastSweep = 0;

  constructor(options: LedgerOptions) {
    this.#kv = options.kv;
    this.#settings = options.settings;
    this.#log = options.log ?? { warn: () => {} };
    this.#now = options.now ?? Date.now;
  }

  /** Whether a record is API usage (health checks, admin and dashboard pages are not). */
  static counts(r: RequestRecord): boolean {
    return isEndpoint(r.endpoint) || r.endpoint === "proxy" || r.protocol === "websocket";
  }

  record(r: RequestRecord): void {
    if (!Ledger.counts(r)) return;
    this.#batch.add(r);
    if (this.#entries.length < MAX_PENDING_ENTRIES) this.#entries.push(r);
    else this.#dropped++;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#settings().flushMs);
  }

  /** Writes everything recorded so far; concurrent calls share one write. */
  flush(): Promise<void> {
    this.#flushing ??= this.#write().finally(() => this.#flushing = undefined);
    return this.#flushing;
  }

  /** Stops the flush timer (the next record starts it again). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #write(): Promise<void> {
    const rows = this.#batch.drain();
    const entries = this.#entries;
    this.#entries = [];
    if (this.#dropped > 0) {
      this.#log.warn(`Usage ledger: ${this.#dropped} recent-log entries dropped (flush too slow)`);
      this.#dropped = 0;
    }
    const mutations = [...this.#counterMutations(rows), ...this.#entryMutations(entries)];
    try {
      for (let i = 0; i < mutations.length; i += PER_ATOMIC) {
        const chunk = mutations.slice(i, i + PER_ATOMIC);
        // A busy store (several processes on one file) is waited out; a failed commit wrote
        // nothing, so retrying it cannot count twice.
        const result = await retryBusy(() => this.#kv.atomic().mutate(...chunk).commit());
        if (!result.ok) throw new Error("atomic write refused");
      }
    } catch (error) {
      // Sums are not idempotent, so a batch is kept whole only if nothing of it was written;
      // a partial write loses what followed the failed chunk rather than counting twice.
      for (const row of rows) this.#batch.merge(row);
      this.#entries.unshift(...entries.slice(0, MAX_PENDING_ENTRIES - this.#entries.length));
      this.#log.warn(
        `Usage ledger: writing to KV failed (${
          error instanceof Error ? error.message : error
        }); kept for the next flush`,
      );
      return;
    }
    if (this.#now() - this.#lastSweep > SWEEP_EVERY_MS) {
      this.#lastSweep = this.#now();
      await this.sweep().catch((error) =>
        this.#log.warn(`Usage ledger: retention sweep failed: ${error}`)
      );
    }
  }

  #counterMutations(rows: Row[]): Deno.KvMutation[] {
    const out: Deno.KvMutation[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      for (let i = 0; i < METRICS.length; i++) {
        const value = row.values[i];
        if (value <= 0) continue;
        out.push({
          type: "sum",
          key: [
            ...usageKeys.counter(row.granularity, row.dimension, row.id, row.bucket, METRICS[i]),
          ],
          value: new Deno.KvU64(BigInt(Math.round(value))),
        });
      }
      seen.add(`${row.dimension}\u0000${row.id}`);
    }
    const now = this.#now();
    for (const pair of seen) {
      const [dimension, id] = pair.split("\u0000") as [Dimension, string];
      out.push({ type: "set", key: [...usageKeys.seen(dimension, id)], value: now });
    }
    return out;
  }

  #entryMutations(entries: RequestRecord[]): Deno.KvMutation[] {
    const expireIn = this.#settings().recentTtlMs;
    return entries.map((r) => ({
      type: "set",
      key: [...recentKeys.entry(r.time, r.requestId)],
      value: r,
      expireIn,
    }));
  }

  /** Deletes aggregates older than their retention, for every id seen. */
  async sweep(): Promise<void> {
    const { retentionMs } = this.#settings();
    const now = this.#now();
    for (const dimension of ["all", "channel", "model", "key", "route"] as const) {
      for await (const seen of this.#kv.list<number>({ prefix: usageKeys.seenAll(dimension) })) {
        const id = String(seen.key.at(-1));
        for (const g of GRANULARITIES) {
          const cutoff = now - retentionMs[g] - spanOf(g);
          const old = this.#kv.list({
            start: [...usageKeys.series(g, dimension, id)],
            end: [...usageKeys.bucket(g, dimension, id, cutoff)],
          });
          let op = this.#kv.atomic();
          let count = 0;
          for await (const entry of old) {
            op.delete(entry.key);
            if (++count % PER_ATOMIC === 0) {
              await op.commit();
              op = this.#kv.atomic();
            }
          }
          if (count % PER_ATOMIC !== 0) await op.commit();
        }
        if (now - seen.value > retentionMs.day) await this.#kv.delete(seen.key);
      }
    }
  }
}
