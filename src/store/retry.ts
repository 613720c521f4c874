/**
 * Deno KV on a local file is SQLite: when several processes write it at once, a transaction may
 * fail with "database is locked" (SQLITE_BUSY) instead of waiting. That is contention, not a
 * fault, so such operations are retried with a short jittered backoff; other errors are not.
 */

const BUSY = /database is locked|database table is locked|busy/i;

/** Whether `error` is SQLite contention worth retrying. */
export function isBusy(error: unknown): boolean {
  return error instanceof Error && BUSY.test(error.message);
}

/** Runs `operation`, again after a pause while it fails with contention (up to `attempts`). */
export async function retryBusy<T>(operation: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isBusy(error) || attempt >= attempts) throw error;
      const pause = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}
