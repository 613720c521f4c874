/**
 * Reload triggers that need the operating system: changes to the config file or the plugins
 * folder and SIGHUP. Where the platform cannot watch a path (no permission, no file system, as
 * on Deno Deploy) that trigger is skipped with a warning: the admin API still reloads.
 *
 * The config file's directory is watched, not the file: most editors, `sed -i` and Kubernetes
 * ConfigMap updates save by writing a new file and renaming it over the old one, and a watch on
 * the old file's inode sees that once, then nothing. Events are kept when they name the file (or
 * `..data`, the symlink a ConfigMap volume swaps) and debounced, since a save is several events.
 */
import { basename, dirname } from "node:path";
import type { GatewayHolder } from "./holder.ts";

export interface WatchPaths {
  /** The config file; its directory is watched (not recursively). */
  config: string;
  /** The plugins folder; a change to any `.ts` file in it reloads. */
  plugins?: string;
}

/** Starts watching; returns a function that stops it. */
export function watchForReload(
  holder: Pick<GatewayHolder, "reload">,
  paths: WatchPaths,
  warn: (line: string) => void,
  debounceMs = 200,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => holder.reload("file changed"), debounceMs);
  };
  const configName = basename(paths.config);
  const targets = [{
    dir: dirname(paths.config),
    relevant: (name: string) => name === configName || name === "..data",
  }];
  if (paths.plugins) targets.push({ dir: paths.plugins, relevant: (name) => name.endsWith(".ts") });

  const watchers: Deno.FsWatcher[] = [];
  for (const { dir, relevant } of targets) {
    let watcher: Deno.FsWatcher;
    try {
      watcher = Deno.watchFs(dir, { recursive: false });
    } catch (error) {
      warn(`Not watching ${dir} for changes (${error instanceof Error ? error.message : error})`);
      continue;
    }
    watchers.push(watcher);
    (async () => {
      try {
        for await (const event of watcher) {
          if (event.kind !== "access" && event.paths.some((p) => relevant(basename(p)))) {
            schedule();
          }
        }
      } catch {
        // The watcher was closed.
      }
    })();
  }
  const onHangup = () => holder.reload("SIGHUP");
  let signals = false;
  try {
    Deno.addSignalListener("SIGHUP", onHangup);
    signals = true;
  } catch {
    // No signals on this platform (Windows, Deploy): the admin API still reloads.
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
    if (signals) Deno.removeSignalListener("SIGHUP", onHangup);
  };
}
