/**
 * Where label values come from, so that no client can mint a series: a channel label is a
 * channel of the running config, a key label a configured key's name, a model label a model
 * some channel is configured with (or has listed, or an alias points to). Anything else becomes
 * `"other"`; an absent value is `""` (which Prometheus reads as "no such label").
 *
 * The known names are gathered once per config snapshot and model-list change, so checking a
 * record costs three set lookups. A channel that serves `"*"` has no list: the models sent
 * through it show as `"other"` unless named elsewhere in the config.
 *
 * The GenAI values follow the OpenTelemetry semantic conventions for generative AI
 * (open-telemetry/semantic-conventions-genai, `docs/gen-ai/gen-ai-metrics.md`): the well-known
 * `gen_ai.operation.name` and `gen_ai.provider.name` values where one applies, else the
 * gateway's own low-cardinality name ("a custom value MAY be used").
 */
import type { Gateway } from "../gateway/build.ts";
import { OVERFLOW } from "./families.ts";

/** The status classes, indexed by {@link statusIndex}. */
export const STATUS_CLASSES: readonly string[] = [OVERFLOW, "1xx", "2xx", "3xx", "4xx", "5xx"];

/** Index in {@link STATUS_CLASSES} of an HTTP status: 2 for `2xx`, …; 0 outside 100–599. */
export function statusIndex(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) : 0;
}

const OPERATIONS: Readonly<Record<string, string>> = {
  chat: "chat",
  messages: "chat",
  responses: "chat",
  completions: "text_completion",
  generate_content: "generate_content",
  embeddings: "embeddings",
  embed_content: "embeddings",
  batch_embed_contents: "embeddings",
};

/** `gen_ai.operation.name` of a record's endpoint; undefined when it is no model call. */
export function operationName(endpoint: string): string | undefined {
  return Object.hasOwn(OPERATIONS, endpoint) ? OPERATIONS[endpoint] : undefined;
}

const PROVIDERS: Readonly<Record<string, string>> = {
  openai: "openai",
  anthropic: "anthropic",
  gemini: "gcp.gemini",
  azure: "azure.ai.openai",
  deepseek: "deepseek",
  moonshot: "moonshot_ai",
};

/** `gen_ai.provider.name` for a plugin: the well-known value, else the plugin's name. */
export function providerName(plugin: string): string {
  return Object.hasOwn(PROVIDERS, plugin) ? PROVIDERS[plugin] : plugin;
}

/** Maps a record's raw names to label values drawn from the running config. */
export class LabelGuard {
  #gateway: Gateway | undefined;
  #catalogVersion = -1;
  #keys: ReadonlySet<string> = new Set();
  #models: ReadonlySet<string> = new Set();
  readonly #providers = new Map<string, string>();

  /**
   * Re-reads the known names when the snapshot or its model lists changed.
   * @returns whether they were re-read (label values decided before may be stale).
   */
  update(gateway: Gateway): boolean {
    if (gateway === this.#gateway && gateway.catalog.version === this.#catalogVersion) return false;
    this.#gateway = gateway;
    this.#catalogVersion = gateway.catalog.version;
    this.#keys = new Set(["anonymous", ...gateway.config.keys.map((k) => k.name)]);
    const models = new Set(Object.values(gateway.config.routing.aliases));
    for (const channel of gateway.channels) {
      const served = gateway.catalog.modelsOf(channel);
      if (served instanceof Set) { for (const m of served) models.add(m); }
      for (const m of Object.keys(channel.config.model_map)) models.add(m);
    }
    this.#models = models;
    this.#providers.clear();
    for (const channel of gateway.channels) {
      this.#providers.set(channel.name, providerName(channel.plugin.name));
    }
    return true;
  }

  channel(name: string | undefined): string {
    if (name === undefined) return "";
    return this.#gateway?.channelsByName.has(name) ? name : OVERFLOW;
  }

  key(name: string): string {
    if (name === "-" || name === "") return "";
    return this.#keys.has(name) ? name : OVERFLOW;
  }

  model(name: string | undefined): string {
    if (name === undefined || name === "") return "";
    return this.#models.has(name) ? name : OVERFLOW;
  }

  /** The provider of a channel label from {@link channel}; `""` when unknown. */
  provider(channel: string): string {
    return this.#providers.get(channel) ?? "";
  }
}
