/**
 * Builds a gateway snapshot from the config file, the environment and the plugins folder: the
 * one place that reads them. Used at start and on every reload.
 */
import { parseConfig } from "../config/load.ts";
import { DEFAULT_CONFIG } from "../config/default_config.ts";
import { type DiscoverOptions, discoverPlugins, type PluginSource } from "../plugin/discover.ts";
import { buildGateway, type Gateway } from "./build.ts";

/** The `source` of a gateway built from the embedded default config. */
export const EMBEDDED_SOURCE = "(embedded default config)";

export interface LoadOptions {
  /** Path of the YAML config. */
  configPath: string;
  /** Fall back to the embedded default config when the file does not exist. */
  allowEmbeddedDefault: boolean;
  plugins: PluginSource;
  env: (name: string) => string | undefined;
  warn: (line: string) => void;
  fetch?: typeof fetch;
  discover?: DiscoverOptions;
}

/** The config path: `--config`, else `SLUICE_CONFIG`, else `config/gateway.yaml`, which alone
 * may be missing (the embedded default config then runs, with a loud warning). */
export function configLocation(
  explicit: string | undefined,
  env: (name: string) => string | undefined,
): Pick<LoadOptions, "configPath" | "allowEmbeddedDefault"> {
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
    text = await Deno.readTextFile(options.configPath);
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
  const plugins = await discoverPlugins(options.plugins.dir, options.warn, {
    registry: options.plugins.registry,
    ...options.discover,
  });
  return buildGateway(loaded, plugins, {
    catalog: previous?.catalog,
    health: previous?.health,
    fetch: options.fetch,
    warn: options.warn,
  });
}
