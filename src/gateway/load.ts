/**
 * Builds a gateway snapshot from the config file, the environment and the plugins folder: the
 * one place that reads them. Used at start and on every reload.
 */
import { parseConfig } from "../config/load.ts";
import { DEFAULT_CONFIG } from "../config/default_config.ts";
import { discoverPlugins } from "../plugin/discover.ts";
import { buildGateway, type Gateway } from "./build.ts";

export interface LoadOptions {
  /** Path of the YAML config. */
  configPath: string;
  /** Fall back to the embedded default config when the file does not exist. */
  allowEmbeddedDefault: boolean;
  pluginsDir: URL;
  env: (name: string) => string | undefined;
  warn: (line: string) => void;
  fetch?: typeof fetch;
}

export async function loadGateway(options: LoadOptions, previous?: Gateway): Promise<Gateway> {
  let text: string;
  let source = options.configPath;
  try {
    text = await Deno.readTextFile(options.configPath);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || !options.allowEmbeddedDefault) throw error;
    text = DEFAULT_CONFIG;
    source = "(embedded default config)";
  }
  const loaded = parseConfig(text, source, options.env);
  const plugins = await discoverPlugins(options.pluginsDir, options.warn);
  return buildGateway(loaded, plugins, {
    catalog: previous?.catalog,
    health: previous?.health,
    fetch: options.fetch,
    warn: options.warn,
  });
}
