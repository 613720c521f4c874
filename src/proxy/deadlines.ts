/**
 * One shared clock for every in-flight upstream call's deadlines, instead of a timer per call:
 * at thousands of requests a second, a `setTimeout`/`clearTimeout` pair and an abort listener per
 * call were measured as a real share of the gateway's CPU (see `bench/RESULTS.md`). Calls
 * register themselves while in flight; one interval checks them all every `tickMs`. The interval
 * outlives a short lull (creating and clearing it per request cost as much as the timers it
 * replaced) and stops after `idleTicks` ticks with nothing in flight, so an idle gateway holds no
 * timer; `stop()` ends it at once (shutdown, tests). Deadlines are honoured to within one tick.
 */

/** Something with deadlines, checked on every tick while registered. */
export interface Watched {
  check(now: number): void;
}

export class DeadlineWheel {
  readonly #watched = new Set<Watched>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #idle = 0;

  /**
   * @param now a monotonic clock in ms. @default performance.now
   * @param tickMs how often deadlines are checked. @default 20
   * @param idleTicks ticks with nothing in flight before the interval stops. @default 50
   */
  constructor(
    readonly now: () => number = () => performance.now(),
    readonly tickMs = 20,
    readonly idleTicks = 50,
  ) {}

  add(call: Watched): void {
    this.#watched.add(call);
    this.#timer ??= setInterval(() => this.#tick(), this.tickMs);
  }

  delete(call: Watched): void {
    this.#watched.delete(call);
  }

  /** How many calls are in flight. */
  get size(): number {
    return this.#watched.size;
  }

  /** Stops the interval now; it starts again with the next call. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#idle = 0;
  }

  #tick(): void {
    if (this.#watched.size === 0) {
      if (++this.#idle >= this.idleTicks) this.stop();
      return;
    }
    this.#idle = 0;
    const now = this.now();
    for (const call of this.#watched) call.check(now);
  }
}
