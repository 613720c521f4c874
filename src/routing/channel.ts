/**
 * A configured channel made ready to route to: its plugin, parsed options, key pool and the
 * settings it inherits from `defaults`.
 */
import type { ChannelConfig, Config } from "../config/schema.ts";
import { formatPath } from "../config/load.ts";
import type { UnsetVariable } from "../config/env.ts";
import type { ChannelInfo, Endpoint } from "../plugin/contract.ts";
import type { PluginSet } from "../plugin/discover.ts";
import type { AnyPlugin } from "../plugin/validate.ts";
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
}

export interface BuiltChannels {
  /** Enabled channels with what they need to run, in config order. */
  channels: Channel[];
  /** Channels left out, with why (unset key variable, disabled). */
  skipped: { name: string; reason: string }[];
  /** Configuration errors (unknown plugin, bad options): the config must not be used. */
  problems: string[];
}

const DEFAULT_ENDPOINTS: Endpoint[] = ["chat", "completions", "embeddings"];

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
    let options: unknown = channel.options;
    if (plugin.options) {
      const parsed = plugin.options.safeParse(channel.options);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
          const what = issue.code === "unrecognized_keys"
            ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(", ")}`
            : issue.message;
          result.problems.push(`${at("options", ...path)}: ${what}`);
        }
        return;
      }
      options = parsed.data;
    } else if (Object.keys(channel.options).length > 0) {
      result.problems.push(`${at("options")}: plugin "${plugin.name}" takes no options`);
      return;
    }
    const baseUrl = (channel.base_url ?? plugin.defaults?.base_url ?? "").replace(/\/+$/, "");
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
      const missing = unset.filter((u) => u.path[0] === "channels" && u.path[1] === index)
        .map((u) => u.name);
      result.skipped.push({
        name: channel.name,
        reason: missing.length > 0
          ? `${[...new Set(missing)].join(", ")} ${missing.length > 1 ? "are" : "is"} not set`
          : "no keys configured",
      });
      return;
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
    });
  });
  return result;
}
