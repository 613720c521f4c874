/**
 * Sluice as a library: the whole gateway (OpenAI, Anthropic and Gemini APIs in, any channel out,
 * with keys, quotas, usage and the dashboard) as one request handler inside your own Deno or Hono
 * app. The shipped plugins are included unless you pass your own set.
 *
 * @example Mounted in a Hono app under /llm
 * ```ts
 * import { Hono } from "hono";
 * import { createGateway } from "@sluice/gateway";
 *
 * const gateway = await createGateway({
 *   config: `
 * keys: [{ name: me, key: "\${MY_GATEWAY_KEY}" }]
 * channels:
 *   - { name: openai, plugin: openai, keys: ["\${OPENAI_API_KEY}"], models: [gpt-4o-mini] }
 * `,
 * });
 * const app = new Hono();
 * app.mount("/llm", gateway); // POST /llm/v1/chat/completions
 * Deno.serve(app.fetch);
 * ```
 *
 * @module
 */
import { plugins as shipped } from "./plugins/mod.ts";
import {
  createGateway as create,
  type EmbeddedGateway,
  type GatewayOptions,
  type ReloadResult,
} from "./src/library/create_gateway.ts";

export type { EmbeddedGateway, ReloadResult };

/** {@link GatewayOptions} whose `plugins` may be left out: the shipped ones are used. */
export type CreateGatewayOptions = Omit<GatewayOptions, "plugins"> & {
  /** @default the shipped plugins (`plugins/mod.ts`) */
  plugins?: Record<string, unknown>;
};

/**
 * Builds a gateway from a config (YAML text or an object) and plugin objects. Call `close()` when
 * done: it stops the timers and writes pending usage to KV.
 *
 * @throws {Error} naming every problem when the config or a plugin is invalid.
 * @example
 * ```ts
 * const gateway = await createGateway({
 *   config: { keys: [{ name: "me", key: "sk-me" }], channels: [{ name: "echo", plugin: "echo", models: ["echo"] }] },
 *   kv: await Deno.openKv(":memory:"),
 * });
 * const res = await gateway(new Request("http://gw/v1/models", { headers: { authorization: "Bearer sk-me" } }));
 * await gateway.close();
 * ```
 */
export function createGateway(options: CreateGatewayOptions): Promise<EmbeddedGateway> {
  return create({ ...options, plugins: options.plugins ?? shipped });
}
