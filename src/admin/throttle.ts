/**
 * Slows guessing of the admin key, per client address, across instances (the count is in KV):
 * the first {@link FREE_FAILURES} wrong keys cost nothing (typos); each one after that locks the
 * address out for twice as long as the one before, 1 s, 2 s, 4 s … up to 15 minutes. While an
 * address is locked out every key it presents is refused with 429 and `Retry-After`, the right
 * one included, so a lockout cannot be used to keep guessing. A right key, or a day without
 * failures, clears the count.
 */
import { GatewayError } from "../errors.ts";
import { clearFailures, readFailures, recordFailure } from "../store/login_failures.ts";

/** Wrong keys allowed before lockouts begin. */
export const FREE_FAILURES = 3;
/** The longest lockout. */
export const MAX_LOCKOUT_MS = 15 * 60_000;

/** How long an address with `count` wrong keys is locked out after its last one. */
export function lockoutMs(count: number): number {
  if (count <= FREE_FAILURES) return 0;
  return Math.min(MAX_LOCKOUT_MS, 1000 * 2 ** (count - FREE_FAILURES - 1));
}

export class LoginThrottle {
  constructor(private readonly kv: Deno.Kv, private readonly now = () => Date.now()) {}

  /**
   * Refuses an address that is locked out.
   * @throws {GatewayError} 429 with `Retry-After` in whole seconds.
   */
  async check(address: string): Promise<{ failures: number }> {
    const failures = await readFailures(this.kv, address);
    if (!failures) return { failures: 0 };
    const wait = failures.last + lockoutMs(failures.count) - this.now();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new GatewayError(
        429,
        `Too many wrong admin keys from this address: try again in ${seconds} s`,
        { code: "login_throttled", headers: { "retry-after": String(seconds) } },
      );
    }
    return { failures: failures.count };
  }

  /** Counts a wrong key; returns the lockout it starts (0 while still free). */
  async failed(address: string): Promise<number> {
    const { count } = await recordFailure(this.kv, address, this.now());
    return lockoutMs(count);
  }

  /** A right key: forgets the address's failures, if it had any. */
  async succeeded(address: string, failures: number): Promise<void> {
    if (failures > 0) await clearFailures(this.kv, address);
  }
}
