/**
 * Checks that a module's default export is a usable plugin, so a broken file fails with its name
 * and the reason instead of a TypeError deep inside a request.
 */
import { ENDPOINT_NAMES, isEndpoint } from "../endpoints.ts";
import type { Plugin } from "./contract.ts";

/** A plugin of any options and stream state, as the gateway holds them. */
export type AnyPlugin = Plugin<unknown, unknown>;

const HOOKS = [
  "rewriteRequest",
  "injectHeaders",
  "respond",
  "transformResponse",
  "transformError",
  "createStreamState",
  "transformStreamEvent",
  "endStream",
  "extractUsage",
  "listModels",
  "nativeModel",
  "openWebSocket",
] as const;

/** A plugin file that could not be used. */
export class PluginError extends Error {
  override name = "PluginError";
  constructor(readonly file: string, reason: string) {
    super(`Plugin ${file}: ${reason}`);
  }
}

/** Returns `value` typed as a plugin, or throws {@link PluginError} naming `file`. */
export function validatePlugin(value: unknown, file: string, expectedName: string): AnyPlugin {
  if (!value || typeof value !== "object") {
    throw new PluginError(file, "default export must be a plugin object made with definePlugin()");
  }
  const plugin = value as Record<string, unknown>;
  if (plugin.name !== expectedName) {
    throw new PluginError(
      file,
      `name is ${JSON.stringify(plugin.name)} but must match the file name "${expectedName}"`,
    );
  }
  for (const hook of HOOKS) {
    if (plugin[hook] !== undefined && typeof plugin[hook] !== "function") {
      throw new PluginError(file, `hook "${hook}" must be a function`);
    }
  }
  const options = plugin.options as { safeParse?: unknown } | undefined;
  if (options !== undefined && typeof options?.safeParse !== "function") {
    throw new PluginError(file, `"options" must be a zod schema`);
  }
  const endpoints = plugin.endpoints;
  if (
    endpoints !== undefined &&
    (!Array.isArray(endpoints) || !endpoints.every(isEndpoint))
  ) {
    throw new PluginError(file, `"endpoints" must list some of ${ENDPOINT_NAMES.join(", ")}`);
  }
  return value as AnyPlugin;
}
