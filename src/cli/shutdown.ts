/**
 * Graceful shutdown on SIGTERM and SIGINT: stop accepting, let requests and streams in flight
 * finish within the grace period, run the shutdown hooks (final flushes), flush the logs, exit 0.
 * A second signal exits at once.
 *
 * Under `deno serve --parallel` (Deno 2.9.6) the runtime itself closes every worker's listener on
 * SIGTERM or SIGINT, lets requests in flight finish, and exits once every worker's event loop is
 * empty; each worker's own signal listeners run too. There a worker must not exit the process
 * when it is done (that would cut the others' requests), so `exitWhenDrained` is false: the
 * worker stops what keeps its loop alive (the hooks: file watchers, timers) and exits only when
 * the grace is over.
 */
import type { Logger } from "../log/logger.ts";
import type { InFlight } from "./in_flight.ts";

export type ShutdownHook = () => Promise<void> | void;

/** Things to finish before the process exits, run in the order they were added. */
export class ShutdownHooks {
  #hooks: ShutdownHook[] = [];

  add(hook: ShutdownHook): void {
    this.#hooks.push(hook);
  }

  /** Runs every hook once; a hook that throws is logged, one that hangs is left at `timeoutMs`. */
  async run(timeoutMs: number, log: Pick<Logger, "warn">): Promise<void> {
    const hooks = this.#hooks.splice(0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((
      r,
    ) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
    const all = (async () => {
      for (const hook of hooks) {
        try {
          await hook();
        } catch (error) {
          log.warn(`Shutdown hook failed: ${error instanceof Error ? error.message : error}`);
        }
      }
    })();
    if (await Promise.race([all, timeout]) === "timeout") {
      log.warn(`Shutdown hooks still running after ${timeoutMs} ms: leaving them`);
    }
    clearTimeout(timer);
  }
}

export interface DrainOptions {
  /** The grace period, read when the signal arrives. */
  graceMs: () => number;
  inFlight: InFlight;
  hooks: ShutdownHooks;
  /** Stops accepting; resolves when every connection is closed. Absent where the runtime does it. */
  stopAccepting?: () => Promise<void>;
  /** Last writes (the access log's pending lines), after the hooks. */
  flush: () => void;
  log: Pick<Logger, "info" | "warn">;
  /** Exit as soon as drained, rather than only when the grace is over. */
  exitWhenDrained: boolean;
  exit?: (code: number) => void;
}

/** Installs the SIGTERM and SIGINT handlers; returns a function that removes them. */
export function drainOnSignals(options: DrainOptions): () => void {
  const exit = options.exit ?? Deno.exit;
  let draining = false;
  const onSignal = (signal: Deno.Signal) => () => {
    if (draining) {
      options.log.warn(`${signal} again: exiting now, cutting ${options.inFlight.count} in flight`);
      options.flush();
      return exit(1);
    }
    draining = true;
    drain(signal, { ...options, exit });
  };
  const installed: [Deno.Signal, () => void][] = [];
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const listener = onSignal(signal);
    try {
      Deno.addSignalListener(signal, listener);
      installed.push([signal, listener]);
    } catch {
      // Windows has no SIGTERM; Deploy has no signals: the platform stops the process itself.
    }
  }
  return () => {
    for (const [signal, listener] of installed) Deno.removeSignalListener(signal, listener);
  };
}

/** One drain: what a stop signal starts. Exported for tests. */
export async function drain(
  reason: string,
  options: DrainOptions & { exit: (code: number) => void },
): Promise<void> {
  const { inFlight, log } = options;
  const graceMs = options.graceMs();
  const deadline = Date.now() + graceMs;
  log.info(`shutting down (${reason}): ${inFlight.count} in flight, waiting up to ${graceMs} ms`);
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<false>((resolve) => {
    graceTimer = setTimeout(() => resolve(false), graceMs);
  });
  // Under `deno serve` the worker's loop must be free to end before the grace is over.
  if (!options.exitWhenDrained) graceTimer?.unref();
  const stopped = options.stopAccepting?.().catch(() => {});
  const drained = Promise.all([inFlight.idle(), stopped]).then(() => true as const);
  const clean = await Promise.race([drained, graceOver]);
  await options.hooks.run(Math.max(deadline - Date.now(), 1_000), log);
  if (clean) {
    log.info(`shut down: every request finished in ${graceMs - (deadline - Date.now())} ms`);
  } else {
    log.warn(`shut down: grace of ${graceMs} ms over, cutting ${inFlight.count} in flight`);
  }
  options.flush();
  if (!clean || options.exitWhenDrained) {
    clearTimeout(graceTimer);
    return options.exit(0);
  }
  // Drained early under `deno serve`: the runtime exits once every worker is idle; if something
  // still holds this one, the grace deadline exits.
  graceOver.then(() => {
    options.flush();
    options.exit(0);
  });
}
