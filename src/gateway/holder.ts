/**
 * Holds the current {@link Gateway} and replaces it on reload. A reload that fails keeps the
 * running snapshot and reports why; concurrent reload requests share one run.
 *
 * Two loads that succeed are still refused, because a half-written or truncated file parses as
 * valid YAML: one that would leave no usable gateway key while the running config has some
 * (that would open the gateway to anyone on loopback, silently), and one that would leave no
 * channel. Running without keys takes a restart, which says so loudly.
 */
import type { Gateway } from "./build.ts";

export interface ReloadResult {
  ok: boolean;
  /** What was loaded, or why not. */
  message: string;
}

/** Where the holder reports reloads: `info` for a swap, `warn` for a refusal. */
export interface HolderLog {
  info(line: string): void;
  warn(line: string): void;
}

const QUIET: HolderLog = { info() {}, warn() {} };

/**
 * Adds what lives outside the config file (channels and keys stored in KV by the admin API) to a
 * snapshot: given one built from the files (`fileSnapshot.file` is what they said), returns the
 * snapshot to run, or `fileSnapshot` itself when there is nothing to add.
 */
export type Overlay = (fileSnapshot: Gateway, previous: Gateway) => Promise<Gateway>;

export class GatewayHolder {
  #current: Gateway;
  #running: Promise<ReloadResult> | undefined;
  #overlay: Overlay | undefined;
  /** Every swap runs after the one before, so a reload and a refresh never undo each other. */
  #tail: Promise<unknown> = Promise.resolve();

  /** @param load builds a fresh snapshot from the current files and environment. */
  constructor(
    initial: Gateway,
    private readonly load: (previous: Gateway) => Promise<Gateway>,
    private readonly log: HolderLog = QUIET,
  ) {
    this.#current = initial;
  }

  get current(): Gateway {
    return this.#current;
  }

  reload(reason: string): Promise<ReloadResult> {
    this.#running ??= this.#queue(() => this.#reload(reason, true)).finally(() =>
      this.#running = undefined
    );
    return this.#running;
  }

  /** Applies `overlay` to every snapshot from now on, starting with the running one. */
  setOverlay(overlay: Overlay): Promise<ReloadResult> {
    this.#overlay = overlay;
    return this.refresh("stored entries");
  }

  /**
   * Rebuilds the running snapshot with the overlay again, without reading any file: what KV
   * holds changed. Passes the same checks as a reload; answers ok without a swap when nothing
   * changed.
   */
  refresh(reason: string): Promise<ReloadResult> {
    return this.#queue(() => this.#reload(reason, false));
  }

  #queue(job: () => Promise<ReloadResult>): Promise<ReloadResult> {
    const run = this.#tail.then(job);
    this.#tail = run.catch(() => {});
    return run;
  }

  async #reload(reason: string, readFiles: boolean): Promise<ReloadResult> {
    let next: Gateway;
    try {
      const previous = this.#current;
      next = readFiles ? await this.load(previous) : previous;
      if (this.#overlay) next = await this.#overlay(next, previous);
      if (next === previous) return { ok: true, message: `Nothing changed (${reason})` };
    } catch (error) {
      return this.#refuse(
        `Reload (${reason}) failed, keeping the running config: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    const objections = unsafeSwap(this.#current, next);
    if (objections.length > 0) {
      return this.#refuse(
        `Reload (${reason}) of ${next.source} refused, keeping the running config: ${
          objections.join("; ")
        }`,
      );
    }
    this.#current = next;
    const message = `Reloaded ${next.source} (${reason}): ${
      count(next.channels.length, "channel")
    }, ${count(next.keys.size, "key")}`;
    this.log.info(message);
    return { ok: true, message };
  }

  #refuse(message: string): ReloadResult {
    this.log.warn(message);
    return { ok: false, message };
  }
}

/** Why `next` must not replace `running`, if it must not. */
export function unsafeSwap(running: Gateway, next: Gateway): string[] {
  const objections: string[] = [];
  if (next.keys.open && !running.keys.open) {
    objections.push(
      `it has no usable gateway key (the running config has ${
        count(running.keys.size, "key")
      }), which would open the gateway; to run without keys, restart`,
    );
  }
  if (next.channels.length === 0) objections.push("it has no usable channel");
  return objections;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
