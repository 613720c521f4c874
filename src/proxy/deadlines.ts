/**
 * One shared clock for every in-flight upstream call's deadlines, instead of a timer per call:
 * at thousands of requests a second, a `setTimeout`/`clearTimeout` pair and an abort listener per
 * call were measured as a real share of the gateway's CPU (see `bench/RESULTS.md`). Calls
 * register themselves while in flight; one interval checks them all every `tickMs`, and stops
 * as soon as nothing is registered (so an idle gateway, or a finished test, holds no timer).
 * Deadlines are therefore honoured to within one tick.
 */

/** Something with deadlines, checked on every tick while registered. */
export interface Watched {
  check(now: number): void;
}

export class DeadlineWheel {
  readonly #watched = new Set<Watched>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param now a monotonic clock in ms. @default performance.now
   * @param tickMs how often deadlines are checked. @default 20
   */
  constructor(
    readonly now: () => number = () => performance.now(),
    readonly tickMs = 20,
  ) {}

  add(call: Watched): void {
    this.#watched.add(call);
    this.#timer ??= setInterval(() => this.#tick(), this.tickMs);
  }

  delete(call: Watched): void {
    this.#watched.delete(call);
    if (this.#watched.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** How many calls are in flight. */
  get size(): number {
    return this.#watched.size;
  }

  #tick(): void {
    const now = this.now();
    for (const call of this.#watched) call.check(now);
  }
}
