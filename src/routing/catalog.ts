/**
 * Which models each channel serves: its configured list, `"*"`, or the upstream's own list
 * fetched through the plugin's `listModels` and cached for `models_ttl`. Lookups are synchronous;
 * fetching happens in the background, or once on demand when a model is not found anywhere. A
 * list that could not be fetched is remembered as failed, and retried after a backoff that
 * doubles (10 s up to 5 min), so an unknown model does not cost every request a new fetch.
 */
import { withoutRedirects } from "../proxy/no_redirects.ts";
import type { Channel } from "./channel.ts";

const FIRST_BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 300_000;

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
    fetch: withoutRedirects(fetchFn),
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
  readonly #failed = new Map<string, { until: number; backoff: number }>();
  /** Configured lists as sets, built once per channel config. */
  readonly #configured = new WeakMap<object, ReadonlySet<string>>();
  /** Bumped whenever a fetched list changes, so cached resolutions know they are stale. */
  version = 0;
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
    if (configured) {
      let set = this.#configured.get(channel.config);
      if (!set) {
        set = new Set([...configured, ...Object.keys(channel.config.model_map)]);
        this.#configured.set(channel.config, set);
      }
      return set;
    }
    const entry = this.#fetched.get(cacheKey(channel));
    if (entry && this.#now() - entry.at > this.ttl) void this.refresh([channel]);
    return entry?.models;
  }

  /** Whether `channel` serves `model` as far as is known now. */
  serves(channel: Channel, model: string): boolean {
    const models = this.modelsOf(channel);
    return models === "*" || (models?.has(model) ?? false) ||
      Object.hasOwn(channel.config.model_map, model);
  }

  /** Channels whose list must be fetched and has not been (nor failed just now). */
  unknown(channels: readonly Channel[]): Channel[] {
    const now = this.#now();
    return channels.filter((c) =>
      this.modelsOf(c) === undefined && (this.#failed.get(cacheKey(c))?.until ?? 0) <= now
    );
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
        this.#failed.delete(key);
        this.version++;
      } catch (error) {
        const backoff = Math.min(
          (this.#failed.get(key)?.backoff ?? 0) * 2 || FIRST_BACKOFF_MS,
          MAX_BACKOFF_MS,
        );
        this.#failed.set(key, { until: this.#now() + backoff, backoff });
        this.#warn(
          `Channel "${channel.name}": could not list models (${
            error instanceof Error ? error.message : String(error)
          }); trying again in ${backoff / 1000}s. Set "models" in its config to skip discovery`,
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
