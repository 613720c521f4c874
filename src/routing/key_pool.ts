/**
 * A channel's upstream keys, used in turn. A key the upstream rejected (401/403) is set aside for
 * a while so the next request does not pay for the same failure.
 */
/** How long a key the upstream rejected (401/403) stays out of rotation. */
export const REJECTED_KEY_MS = 5 * 60_000;

export class KeyPool {
  readonly #keys: readonly string[];
  readonly #asideUntil = new Map<string, number>();
  #next = 0;

  constructor(keys: readonly string[], private readonly now: () => number = Date.now) {
    this.#keys = keys;
  }

  get size(): number {
    return this.#keys.length;
  }

  /** Every key, for scrubbing them out of what upstreams write. */
  get all(): readonly string[] {
    return this.#keys;
  }

  /** The next key in rotation that is not set aside; "" when the channel has no keys. If every
   * key is set aside, the one due back soonest. */
  pick(): string {
    const count = this.#keys.length;
    if (count === 0) return "";
    const now = this.now();
    for (let i = 0; i < count; i++) {
      const key = this.#keys[(this.#next + i) % count];
      const until = this.#asideUntil.get(key);
      if (until === undefined || until <= now) {
        this.#next = (this.#next + i + 1) % count;
        if (until !== undefined) this.#asideUntil.delete(key);
        return key;
      }
    }
    return [...this.#asideUntil].sort((a, b) => a[1] - b[1])[0][0];
  }

  /** Keeps `key` out of rotation for `ms`. */
  setAside(key: string, ms: number): void {
    if (key) this.#asideUntil.set(key, this.now() + ms);
  }

  /** How many keys are out of rotation now. */
  asideCount(): number {
    const now = this.now();
    let n = 0;
    for (const until of this.#asideUntil.values()) if (until > now) n++;
    return n;
  }
}
