/**
 * A configured channel made ready to route to: its plugin, parsed options, key pool, the
 * settings it inherits from `defaults`, and what every request would otherwise rebuild (endpoint
 * URLs, static headers, the scrubber for its keys), computed once per config load.
 */
import type { ChannelConfig, Config } from "../config/schema.ts";
import { formatPath } from "../config/load.ts";
import type { UnsetVariable } from "../config/env.ts";
import { DEFAULT_ENDPOINTS, type Endpoint, ENDPOINTS } from "../endpoints.ts";
import type { ChannelInfo } from "../plugin/contract.ts";
import type { PluginSet } from "../plugin/discover.ts";
import type { AnyPlugin } from "../plugin/validate.ts";
import { type Scrubber, scrubberFor } from "../proxy/scrub.ts";
import { KeyPool } from "./key_pool.ts";

export interface Channel {
  readonly name: string;
  readonly config: ChannelConfig;
  readonly plugin: AnyPlugin;
  readonly info: ChannelInfo<unknown>;
  readonly keys: KeyPool;
  readonly retry: number;
  readonly timeout: number;
  readonly streamTimeout: number;
  readonly streamIdleTimeout: number;
  /** Endpoints the upstream serves natively. */
  readonly endpoints: ReadonlySet<Endpoint>;
  /** `scheme://host[:port]` of `info.baseUrl`: every upstream request must stay on it. */
  readonly origin: string;
  /** The upstream URL of each endpoint before any plugin rewrite. */
  readonly urls: Readonly<Record<Endpoint, string>>;
  /** Request headers every call carries: JSON content type and the channel's `headers`. */
  readonly staticHeaders: Readonly<Record<string, string>>;
  /** Removes this channel's keys from upstream-written text. */
  readonly scrub: Scrubber;
}

export interface BuiltChannels {
  /** Enabled channels with what they need to run, in config order. */
  channels: Channel[];
  /** Channels left out, with why (unset key variable, disabled). */
  skipped: { name: string; reason: string }[];
  /** Configuration errors (unknown plugin, bad options): the config must not be used. */
  problems: string[];
}

/** Builds runtime channels from validated config and the loaded plugins. */
export function buildChannels(
  config: Config,
  plugins: PluginSet,
  unset: readonly UnsetVariable[],
): BuiltChannels {
  const result: BuiltChannels = { channels: [], skipped: [], problems: [] };
  config.channels.forEach((channel, index) => {
    const at = (...path: (string | number)[]) => formatPath(["channels", index, ...path]);
    const plugin = plugins.get(channel.plugin);
    if (!plugin) {
      result.problems.push(
        `${at("plugin")}: Unknown plugin "${channel.plugin}" (available: ${
          [...plugins.keys()].join(", ")
        })`,
      );
      return;
    }
    const options = parseOptions(channel, plugin, at, result.problems);
    if (options === INVALID) return;
    const baseUrl = normalizeBaseUrl(channel.base_url ?? plugin.defaults?.base_url ?? "");
    if (!baseUrl && !plugin.respond) {
      result.problems.push(`${at("base_url")}: required (plugin "${plugin.name}" has no default)`);
      return;
    }
    if (channel.models === undefined && !plugin.listModels) {
      result.problems.push(
        `${at("models")}: required (plugin "${plugin.name}" cannot list the upstream's models)`,
      );
      return;
    }
    if (!channel.enabled) {
      result.skipped.push({ name: channel.name, reason: "disabled" });
      return;
    }
    const keys = channel.keys.filter((k) => k.trim() !== "");
    if (keys.length === 0 && plugin.requiresKey !== false) {
      result.skipped.push({ name: channel.name, reason: missingKeyReason(unset, index) });
      return;
    }
    const urls = {} as Record<Endpoint, string>;
    for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
      urls[endpoint] = baseUrl + ENDPOINTS[endpoint].path;
    }
    result.channels.push({
      name: channel.name,
      config: channel,
      plugin,
      info: Object.freeze({ name: channel.name, baseUrl, options }),
      keys: new KeyPool(keys),
      retry: channel.retry ?? config.defaults.retry,
      timeout: channel.timeout ?? config.defaults.timeout,
      streamTimeout: channel.stream_timeout ?? config.defaults.stream_timeout,
      streamIdleTimeout: channel.stream_idle_timeout ?? config.defaults.stream_idle_timeout,
      endpoints: new Set(plugin.endpoints ?? DEFAULT_ENDPOINTS),
      origin: baseUrl ? new URL(baseUrl).origin : "",
      urls,
      staticHeaders: Object.freeze({ "content-type": "application/json", ...channel.headers }),
      scrub: scrubberFor(keys),
    });
  });
  return result;
}

const INVALID = Symbol("invalid options");

function parseOptions(
  channel: ChannelConfig,
  plugin: AnyPlugin,
  at: (...path: (string | number)[]) => string,
  problems: string[],
): unknown {
  if (!plugin.options) {
    if (Object.keys(channel.options).length === 0) return channel.options;
    problems.push(`${at("options")}: plugin "${plugin.name}" takes no options`);
    return INVALID;
  }
  const parsed = plugin.options.safeParse(channel.options);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const what = issue.code === "unrecognized_keys"
      ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(", ")}`
      : issue.message;
    problems.push(`${at("options", ...path)}: ${what}`);
  }
  return INVALID;
}

/**
 * The base URL as the URL API writes it (lower-case host, no default port), without a trailing
 * slash, so plugins that build on it stay textually under the channel's origin.
 */
function normalizeBaseUrl(raw: string): string {
  if (!raw) return "";
  return new URL(raw).href.replace(/\/+$/, "");
}

function missingKeyReason(unset: readonly UnsetVariable[], index: number): string {
  const missing = unset.filter((u) => u.path[0] === "channels" && u.path[1] === index)
    .map((u) => u.name);
  return missing.length > 0
    ? `${[...new Set(missing)].join(", ")} ${missing.length > 1 ? "are" : "is"} not set`
    : "no keys configured";
}
