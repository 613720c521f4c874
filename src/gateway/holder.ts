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

export class GatewayHolder {
  #current: Gateway;
  #running: Promise<ReloadResult> | undefined;

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
    this.#running ??= this.#reload(reason).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #reload(reason: string): Promise<ReloadResult> {
    let next: Gateway;
    try {
      next = await this.load(this.#current);
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
