/**
 * Keeps an instance's snapshot in step with changes other instances make through the admin API:
 * every change bumps the admin version in KV, and this instance rebuilds when it sees it move.
 *
 * It watches the version (`kv.watch`), which is immediate within one process and on KV Connect
 * and Deno Deploy, and also polls it every {@link POLL_MS}: a local SQLite KV does not notify
 * other processes (denoland/deno#21640), so `deno serve --parallel` workers and several gateways
 * on one file learn of changes by polling. One read of one key per second costs nothing.
 */
import { readVersion, watchVersion } from "../store/admin_state.ts";

/** How often the version is polled. */
export const POLL_MS = 1_000;

export interface FollowOptions {
  /** The version the running snapshot was built at. */
  applied(): string | null;
  /** Rebuild (the snapshot records the version it saw). */
  onChange(): Promise<unknown>;
  warn(line: string): void;
  pollMs?: number;
}

/** Starts following; returns a function that stops it. */
export function followStore(kv: Deno.Kv, options: FollowOptions): () => void {
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let again = false;
  const check = (version: string | null) => {
    if (stopped || version === options.applied()) return;
    if (running) {
      again = true;
      return;
    }
    running = options.onChange().catch((error) =>
      options.warn(
        `Rebuilding after a KV change failed: ${error instanceof Error ? error.message : error}`,
      )
    ).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        void readVersion(kv).then(check, () => {});
      }
    });
  };
  const reader = watchVersion(kv).getReader();
  (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || stopped) return;
        check(value[0].versionstamp);
      }
    } catch {
      // The KV was closed, or the watch ended: polling carries on.
    }
  })();
  const timer = setInterval(() => {
    readVersion(kv).then(
      check,
      (error) =>
        options.warn(
          `Cannot read the admin version from KV: ${
            error instanceof Error ? error.message : error
          }`,
        ),
    );
  }, options.pollMs ?? POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    reader.cancel().catch(() => {});
  };
}
