/**
 * `Deno.serve` that outlives running out of file descriptors.
 *
 * Measured with Deno 2.9.6 under `ulimit -n 1024`: ~1,000 idle TCP connections (sending nothing
 * or half a request head; the runtime never times those out, and `Deno.ServeOptions` has no
 * header-read timeout) make `accept()` fail with EMFILE. That ends the server's accept loop: its
 * listener is closed, requests already in flight still finish, and `server.finished` rejects
 * with `Http: Too many open files (os error 24)`. Nobody awaited `finished`, so the rejection was
 * unhandled and took the process down. Here the rejection is caught, one throttled warning is
 * logged, and the same address is bound again after a short, growing pause (refusing
 * connections meanwhile is the load shedding), so `/health` answers once the flood ends.
 */
import type { Logger } from "../log/logger.ts";

export interface ResilientServerOptions {
  hostname: string;
  port: number;
  handler: Deno.ServeHandler<Deno.NetAddr>;
  log: Pick<Logger, "info" | "warn">;
  /** Called once, when the first listener is up. */
  onListen?: (addr: Deno.NetAddr) => void;
  /** First pause before listening again; doubles while failures repeat. @default 100 */
  retryMs?: number;
  /** @default 2_000 */
  maxRetryMs?: number;
  /** Least time between two warnings about the listener. @default 10_000 */
  warnEveryMs?: number;
}

export interface ResilientServer {
  /** Where it listens (the real port when 0 was asked for). */
  readonly addr: Deno.NetAddr;
  /** Stops accepting at once; resolves when every connection, old listeners' too, is done. */
  shutdown(): Promise<void>;
}

/**
 * Serves `handler` and re-listens whenever the accept loop dies.
 * @throws when the first listen fails (address in use, no permission): nothing to recover.
 */
export function serveResilient(options: ResilientServerOptions): ResilientServer {
  const { hostname, handler, log } = options;
  const firstRetry = options.retryMs ?? 100;
  const maxRetry = options.maxRetryMs ?? 2_000;
  const warnEvery = options.warnEveryMs ?? 10_000;
  let stopping = false;
  let retry = firstRetry;
  let lastWarning = -Infinity;
  let suppressed = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Dead listeners' connections, finishing what they had started. */
  const draining = new Set<Promise<void>>();

  const listen = (port: number) =>
    Deno.serve({ hostname, port, onListen: () => {} }, handler) as Deno.HttpServer<Deno.NetAddr>;

  const warn = (what: string, error: unknown) => {
    const now = performance.now();
    if (now - lastWarning < warnEvery) return void suppressed++;
    const more = suppressed > 0 ? ` (and ${suppressed} more times since the last warning)` : "";
    lastWarning = now;
    suppressed = 0;
    log.warn(
      `${what} on ${hostname}:${addr.port} (${describe(error)})${more}: refusing connections ` +
        `for a moment, then listening again; if this repeats, raise the open-file limit (ulimit -n)`,
    );
  };

  const relisten = () => {
    retryTimer = undefined;
    if (stopping) return;
    try {
      supervise(listen(addr.port));
      retry = firstRetry;
    } catch (error) {
      warn("Listening again failed", error);
      retry = Math.min(retry * 2, maxRetry);
      retryTimer = setTimeout(relisten, retry);
    }
  };

  const supervise = (server: Deno.HttpServer<Deno.NetAddr>) => {
    current = server;
    server.finished.catch((error) => {
      if (stopping) return;
      warn("Accept loop failed", error);
      const done = server.shutdown().catch(() => {}).finally(() => draining.delete(done));
      draining.add(done);
      retryTimer = setTimeout(relisten, retry);
    });
  };

  let current = listen(options.port);
  const addr = current.addr;
  supervise(current);
  options.onListen?.(addr);

  return {
    addr,
    async shutdown() {
      stopping = true;
      clearTimeout(retryTimer);
      await Promise.all([current.shutdown().catch(() => {}), ...draining]);
    },
  };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Error: /, "");
}
