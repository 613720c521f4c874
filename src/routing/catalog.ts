/**
 * Which models each channel serves: its configured list, `"*"`, or the upstream's own list
 * fetched through the plugin's `listModels` and cached for `models_ttl`. Lookups are synchronous;
 * fetching happens in the background, or once on demand when a model is not found anywhere.
 */
import type { Channel } from "./channel.ts";

/** Asks `channel`'s plugin for the upstream's model ids, within `maxMs`. */
export function listChannelModels(
  channel: Channel,
  fetchFn: typeof fetch,
  maxMs: number,
): Promise<string[]> {
  if (!channel.plugin.listModels) {
    return Promise.reject(new Error("plugin cannot list models (no listModels)"));
  }
  return channel.plugin.listModels({
    channel: channel.info,
    apiKey: channel.keys.pick(),
    signal: AbortSignal.timeout(Math.min(channel.timeout, maxMs)),
    fetch: fetchFn,
  });
}

interface Fetched {
  models: ReadonlySet<string>;
  at: number;
}

export interface CatalogOptions {
  ttl: number;
  fetch?: typeof fetch;
  now?: () => number;
  warn?: (line: string) => void;
}

export class ModelCatalog {
  readonly #fetched = new Map<string, Fetched>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #warn: (line: string) => void;
  ttl: number;

  constructor(options: CatalogOptions) {
    this.ttl = options.ttl;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
    this.#warn = options.warn ?? (() => {});
  }

  /** The models `channel` serves: a set, `"*"` for any, or undefined while not yet fetched. */
  modelsOf(channel: Channel): ReadonlySet<string> | "*" | undefined {
    const configured = channel.config.models;
    if (configured === "*") return "*";
    if (configured) return new Set([...configured, ...Object.keys(channel.config.model_map)]);
    const entry = this.#fetched.get(cacheKey(channel));
    if (entry && this.#now() - entry.at > this.ttl) void this.refresh([channel]);
    return entry?.models;
  }

  /** Whether `channel` serves `model` as far as is known now. */
  serves(channel: Channel, model: string): boolean {
    const models = this.modelsOf(channel);
    return models === "*" || (models?.has(model) ?? false) || model in channel.config.model_map;
  }

  /** Channels whose list must be fetched and has not been. */
  unknown(channels: readonly Channel[]): Channel[] {
    return channels.filter((c) => this.modelsOf(c) === undefined);
  }

  /** Fetches the lists of `channels` that fetch theirs, concurrently; failures are warned. */
  refresh(channels: readonly Channel[]): Promise<void> {
    return Promise.all(
      channels.filter((c) => c.config.models === undefined && c.plugin.listModels).map((c) =>
        this.#refreshOne(c)
      ),
    ).then(() => {});
  }

  #refreshOne(channel: Channel): Promise<void> {
    const key = cacheKey(channel);
    const running = this.#inFlight.get(key);
    if (running) return running;
    const work = (async () => {
      try {
        const models = await listChannelModels(channel, this.#fetch, 15_000);
        this.#fetched.set(key, { models: new Set(models), at: this.#now() });
      } catch (error) {
        this.#warn(
          `Channel "${channel.name}": could not list models (${
            error instanceof Error ? error.message : String(error)
          }); set "models" in its config to skip discovery`,
        );
      } finally {
        this.#inFlight.delete(key);
      }
    })();
    this.#inFlight.set(key, work);
    return work;
  }
}

function cacheKey(channel: Channel): string {
  return `${channel.name}\u0000${channel.info.baseUrl}`;
}
