/**
 * Finds the plugins: every `plugins/*.ts` file (not `_*`, `mod.ts` or tests), imported afresh
 * when it changed so a reload picks up edits. Where the platform has no readable file system
 * (some edge runtimes), the static registry is used instead: the entry passes it in
 * (`plugins/mod.ts`), so nothing under `src/` imports `plugins/`.
 */
import { type AnyPlugin, PluginError, validatePlugin } from "./validate.ts";

export type { AnyPlugin };

export type PluginSet = ReadonlyMap<string, AnyPlugin>;

/** Where the plugins are: the folder to scan, and the entry's static registry as a fallback. */
export interface PluginSource {
  dir: URL;
  registry: () => Promise<Record<string, unknown>>;
}

/** Whether a file in the plugins folder is a plugin. */
export function isPluginFile(fileName: string): boolean {
  return fileName.endsWith(".ts") && !fileName.startsWith("_") && fileName !== "mod.ts" &&
    !fileName.endsWith("_test.ts") && !fileName.endsWith(".d.ts");
}

export interface DiscoverOptions {
  /**
   * Longest wait for one plugin's `import()`. A module whose top-level `await` never settles
   * would otherwise hang start-up, and every reload after it, for good. @default 10_000
   */
  importTimeoutMs?: number;
  /** The plugins to use where `plugins/` cannot be listed: the entry's static registry. */
  registry?: () => Promise<Record<string, unknown>>;
}

/**
 * Imports every plugin in `dir`.
 * @throws {PluginError} listing each broken file and why, a file whose import did not settle
 * within `importTimeoutMs` included.
 */
export async function discoverPlugins(
  dir: URL,
  warn: (line: string) => void = () => {},
  options: DiscoverOptions = {},
): Promise<PluginSet> {
  const timeoutMs = options.importTimeoutMs ?? 10_000;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new PluginError(dir.pathname, "folder not found");
    }
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    warn(`Cannot list ${dir.pathname} (${reason}): using the static registry plugins/mod.ts`);
    if (!options.registry) throw new PluginError(dir.pathname, `cannot be listed (${reason})`);
    return fromRegistry(await options.registry());
  }
  const files = entries.filter((e) => e.isFile && isPluginFile(e.name)).map((e) => e.name).sort();
  const plugins = new Map<string, AnyPlugin>();
  const problems: string[] = [];
  await Promise.all(files.map(async (file) => {
    const url = new URL(file, dir);
    const name = file.slice(0, -3);
    try {
      const { mtime } = await Deno.stat(url);
      // A changed file gets a new URL, hence a fresh module, on reload.
      const mod = await bounded(import(`${url.href}?v=${mtime?.getTime() ?? 0}`), timeoutMs);
      plugins.set(name, validatePlugin(mod.default, `plugins/${file}`, name));
    } catch (error) {
      problems.push(
        error instanceof PluginError
          ? error.message
          : `Plugin plugins/${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }));
  if (problems.length > 0) throw new PluginError("plugins/", `\n  ${problems.sort().join("\n  ")}`);
  return new Map([...plugins].sort(([a], [b]) => a.localeCompare(b)));
}

/** `promise`, or a rejection once `ms` have passed (the import itself cannot be cancelled). */
async function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`import did not settle within ${ms} ms (a top-level await that never ends?)`),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Validates a static registry's plugins as discovery validates files. */
export function fromRegistry(registry: Record<string, unknown>): PluginSet {
  return new Map(
    Object.entries(registry).map(([name, plugin]) => [
      name,
      validatePlugin(plugin, `plugins/${name}.ts`, name),
    ]),
  );
}
