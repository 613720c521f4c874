/**
 * Builds a gateway snapshot from the config file (or `SLUICE_CONFIG_YAML`), the environment and
 * the plugins folder: the one place that reads them. Used at start and on every reload.
 */
import { parseConfig } from "../config/load.ts";
import { DEFAULT_CONFIG } from "../config/default_config.ts";
import {
  type DiscoverOptions,
  discoverPlugins,
  fromRegistry,
  type PluginSource,
} from "../plugin/discover.ts";
import { buildGateway, type Gateway } from "./build.ts";

/** The `source` of a gateway built from the embedded default config. */
export const EMBEDDED_SOURCE = "(embedded default config)";

/** The `source` of a gateway whose YAML came from the `SLUICE_CONFIG_YAML` variable. */
export const ENV_SOURCE = "$SLUICE_CONFIG_YAML";

/**
 * Where the plugins come from: a folder scanned on every load (the static registry only where it
 * cannot be listed), or the registry alone (`dir` absent), for platforms and embedders that
 * must not import modules by a computed name, such as Deno Deploy.
 */
export type PluginOrigin = PluginSource | (Pick<PluginSource, "registry"> & { dir?: undefined });

export interface LoadOptions {
  /** Path of the YAML config, or what to call `configText` in messages. */
  configPath: string;
  /** The YAML itself, when it is not in a file (`SLUICE_CONFIG_YAML`, a library caller). */
  configText?: string;
  /** Fall back to the embedded default config when the file does not exist. */
  allowEmbeddedDefault: boolean;
  plugins: PluginOrigin;
  env: (name: string) => string | undefined;
  warn: (line: string) => void;
  fetch?: typeof fetch;
  discover?: DiscoverOptions;
}

/** The config: `--config`, else the YAML in `SLUICE_CONFIG_YAML` (platforms where a file is
 * awkward: Deno Deploy, a container without a mount), else `SLUICE_CONFIG`, else
 * `config/gateway.yaml`, which alone may be missing (the embedded default config then runs, with
 * a loud warning). Setting both variables is refused: which one runs would be a guess. */
export function configLocation(
  explicit: string | undefined,
  env: (name: string) => string | undefined,
): Pick<LoadOptions, "configPath" | "configText" | "allowEmbeddedDefault"> {
  const yaml = env("SLUICE_CONFIG_YAML");
  if (explicit === undefined && yaml !== undefined && yaml.trim() !== "") {
    if (env("SLUICE_CONFIG")) {
      throw new Error("Both SLUICE_CONFIG_YAML and SLUICE_CONFIG are set: unset one of them");
    }
    return { configPath: ENV_SOURCE, configText: yaml, allowEmbeddedDefault: false };
  }
  const chosen = explicit ?? env("SLUICE_CONFIG");
  return {
    configPath: chosen ?? "config/gateway.yaml",
    allowEmbeddedDefault: chosen === undefined,
  };
}

/** Reads the config file (or the embedded default) and the plugins, and builds a snapshot.
 * @throws {ConfigError | PluginError} naming every problem. */
export async function loadGateway(options: LoadOptions, previous?: Gateway): Promise<Gateway> {
  let text: string;
  let source = options.configPath;
  try {
    text = options.configText ?? await Deno.readTextFile(options.configPath);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    if (!options.allowEmbeddedDefault) {
      throw new Error(`Config file ${options.configPath} not found`, { cause: error });
    }
    text = DEFAULT_CONFIG;
    source = EMBEDDED_SOURCE;
    options.warn(
      `NO CONFIG FILE: ${options.configPath} does not exist, so Sluice runs its EMBEDDED DEFAULT ` +
        `CONFIG (the local echo channel only, no keys, not watched). Create the file, or pass ` +
        `--config PATH or SLUICE_CONFIG.`,
    );
  }
  const loaded = parseConfig(text, source, options.env);
  const plugins = options.plugins.dir
    ? await discoverPlugins(options.plugins.dir, options.warn, {
      registry: options.plugins.registry,
      ...options.discover,
    })
    : fromRegistry(await options.plugins.registry());
  return buildGateway(loaded, plugins, {
    catalog: previous?.catalog,
    health: previous?.health,
    fetch: options.fetch,
    warn: options.warn,
  });
}
