/**
 * Holds the current {@link Gateway} and replaces it on reload. A reload that fails keeps the
 * running snapshot and reports why; concurrent reload requests share one run.
 */
import type { Gateway } from "./build.ts";

export interface ReloadResult {
  ok: boolean;
  /** What was loaded, or why not. */
  message: string;
}

export class GatewayHolder {
  #current: Gateway;
  #running: Promise<ReloadResult> | undefined;

  /** @param load builds a fresh snapshot from the current files and environment. */
  constructor(
    initial: Gateway,
    private readonly load: (previous: Gateway) => Promise<Gateway>,
    private readonly log: (line: string) => void = () => {},
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
    try {
      const next = await this.load(this.#current);
      this.#current = next;
      const message = `Reloaded ${next.source} (${reason}): ${next.channels.length} channel${
        next.channels.length === 1 ? "" : "s"
      }, ${next.keys.size} key${next.keys.size === 1 ? "" : "s"}`;
      this.log(message);
      return { ok: true, message };
    } catch (error) {
      const message = `Reload (${reason}) failed, keeping the running config: ${
        error instanceof Error ? error.message : String(error)
      }`;
      this.log(message);
      return { ok: false, message };
    }
  }
}
