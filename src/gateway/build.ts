/**
 * A Gateway is one immutable snapshot of everything a request needs: config, channels, keys and
 * the model catalog. Reload builds a new one and swaps it in; requests in flight keep theirs.
 */
import { KeyRing } from "../auth/key_ring.ts";
import type { LoadedConfig } from "../config/load.ts";
import { ConfigError } from "../config/load.ts";
import type { ChannelConfig, Config, GatewayKeyConfig } from "../config/schema.ts";
import type { PluginSet } from "../plugin/discover.ts";
import { ModelCatalog } from "../routing/catalog.ts";
import { buildChannels, type Channel } from "../routing/channel.ts";
import { ChannelHealth } from "../routing/health.ts";

export interface Gateway {
  readonly config: Config;
  readonly source: string;
  readonly channels: readonly Channel[];
  readonly channelsByName: ReadonlyMap<string, Channel>;
  readonly skipped: readonly { name: string; reason: string }[];
  readonly keys: KeyRing;
  readonly catalog: ModelCatalog;
  /** Breakers and latency per channel; survives reloads. */
  readonly health: ChannelHealth;
  readonly plugins: PluginSet;
  /** The config file as loaded, before the entries stored in KV were added to `config`. */
  readonly file: LoadedConfig;
  /** Names of the channels and keys in `config` that come from KV (the admin API), not the file. */
  readonly stored: { readonly channels: ReadonlySet<string>; readonly keys: ReadonlySet<string> };
}

/** Channels and gateway keys kept in KV (`src/admin/`), added after the file's own. */
export interface StoredEntries {
  channels: readonly ChannelConfig[];
  keys: readonly GatewayKeyConfig[];
}

export interface BuildOptions {
  /** Carried over from the previous snapshot so fetched model lists survive a reload. */
  catalog?: ModelCatalog;
  /** Carried over so a reload does not forget which channels are failing. */
  health?: ChannelHealth;
  fetch?: typeof fetch;
  warn?: (line: string) => void;
  /** Entries from KV, already validated (`src/admin/overlay.ts`); their names are not the file's. */
  stored?: StoredEntries;
}

/**
 * Validates what zod cannot see alone (plugins exist, their options parse) and assembles a
 * snapshot. Warns once per skipped channel or unusable key.
 * @throws {ConfigError} naming each problem.
 */
export function buildGateway(
  loaded: LoadedConfig,
  plugins: PluginSet,
  options: BuildOptions = {},
): Gateway {
  const warn = options.warn ?? (() => {});
  const stored = options.stored ?? { channels: [], keys: [] };
  // The file's channels come first, so `loaded.unset` (indexed by file position) still lines up.
  const config: Config = stored.channels.length === 0 && stored.keys.length === 0
    ? loaded.config
    : {
      ...loaded.config,
      channels: [...loaded.config.channels, ...stored.channels],
      keys: [...loaded.config.keys, ...stored.keys],
    };
  const built = buildChannels(config, plugins, loaded.unset);
  if (built.problems.length > 0) throw new ConfigError(loaded.source, built.problems);
  for (const { name, reason } of built.skipped) {
    if (reason !== "disabled") warn(`Channel "${name}" skipped: ${reason}`);
  }
  const keys = new KeyRing(config.keys, warn);
  const catalog = options.catalog ??
    new ModelCatalog({ ttl: loaded.config.defaults.models_ttl, fetch: options.fetch, warn });
  catalog.ttl = loaded.config.defaults.models_ttl;
  const breaker = loaded.config.routing.breaker;
  const health = options.health ?? new ChannelHealth();
  health.failures = breaker.failures;
  health.cooldownMs = breaker.cooldown;
  health.maxCooldownMs = breaker.max_cooldown;
  health.retain(built.channels.map((c) => c.name));
  return {
    config,
    source: loaded.source,
    channels: built.channels,
    channelsByName: new Map(built.channels.map((c) => [c.name, c])),
    skipped: built.skipped,
    keys,
    catalog,
    health,
    plugins,
    file: loaded,
    stored: {
      channels: new Set(stored.channels.map((c) => c.name)),
      keys: new Set(stored.keys.map((k) => k.name)),
    },
  };
}
