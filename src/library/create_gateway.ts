/**
 * The gateway as a value, for embedding in another Deno or Hono app: the same start-up as the
 * process entries (`boot`), minus what belongs to a process. It never exits, installs no signal
 * handlers and watches no file; a bad config throws, and `close()` stops its timers and writes
 * what is pending to KV.
 */
import YAML from "yaml";
import { boot } from "../gateway/boot.ts";
import type { ReloadResult } from "../gateway/holder.ts";

export type { ReloadResult };

export interface GatewayOptions {
  /**
   * The config: YAML text, or the same document as an object (what `YAML.parse` of the file
   * would give). Validated like `config/gateway.yaml`; `${VAR}` references are read from `env`.
   */
  config: string | Record<string, unknown>;
  /** The plugins by kind name, as `plugins/mod.ts` exports them, plus any of your own. */
  plugins: Record<string, unknown>;
  /**
   * The KV for usage, quotas and stored entries; yours to close.
   * @default the one `SLUICE_KV` names, Deno Deploy's own there, else `./data/sluice.kv`
   */
  kv?: Deno.Kv;
  /** Where `${VAR}` references in the config are read. @default Deno.env.get */
  env?: (name: string) => string | undefined;
}

/** A request handler (`Deno.serve(gateway)`, Hono's `app.mount("/ai", gateway)`) with controls. */
export interface EmbeddedGateway {
  (request: Request, info?: Deno.ServeHandlerInfo): Promise<Response>;
  /** The same handler, for APIs that want a `fetch` method (`export default gateway`). */
  fetch(request: Request, info?: Deno.ServeHandlerInfo): Promise<Response>;
  /** Builds the config and plugins afresh (`${VAR}` read again); a failure keeps the old one. */
  reload(): Promise<ReloadResult>;
  /**
   * Stops the gateway's timers and writes pending usage, quota settlements and access-log lines.
   * Stop your server first so requests in flight finish; the handler must not be called after.
   */
  close(): Promise<void>;
}

/**
 * Builds a gateway from a config and plugin objects.
 *
 * @throws {Error} naming every problem when the config or a plugin is invalid.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { createGateway } from "./mod.ts";
 *
 * const gateway = await createGateway({
 *   config: { keys: [{ name: "me", key: "sk-me" }], channels: [{ name: "echo", plugin: "echo", models: ["echo"] }] },
 * });
 * const app = new Hono();
 * app.mount("/llm", gateway); // POST /llm/v1/chat/completions
 * const server = Deno.serve(app.fetch);
 * // later: await server.shutdown(); await gateway.close();
 * ```
 */
export async function createGateway(options: GatewayOptions): Promise<EmbeddedGateway> {
  const text = typeof options.config === "string" ? options.config : YAML.stringify(options.config);
  const registry = options.plugins;
  const booted = await boot({
    plugins: { registry: () => Promise.resolve(registry) },
    configText: text,
    env: options.env,
    kv: options.kv,
    fatal: (error) => {
      throw error;
    },
  });
  // Always a promise, whatever the app returns, so callers can await it as the type says.
  const handle = async (request: Request, info?: Deno.ServeHandlerInfo) =>
    await booted.fetch(request, info as Deno.ServeHandlerInfo);
  return Object.assign(handle, {
    fetch: handle,
    reload: () => booted.holder.reload("library reload"),
    close: () => booted.close(),
  });
}
