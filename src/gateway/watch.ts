/**
 * Reload triggers that need the operating system: changes to the config file or the plugins
 * folder (debounced, since editors write in several steps) and SIGHUP. Where the platform cannot
 * watch a path (no permission, no file system, as on Deno Deploy) that trigger is skipped with a
 * warning: the admin API still reloads.
 */
import type { GatewayHolder } from "./holder.ts";

/** Starts watching; returns a function that stops it. */
export function watchForReload(
  holder: GatewayHolder,
  paths: string[],
  warn: (line: string) => void,
  debounceMs = 200,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchers: Deno.FsWatcher[] = [];
  for (const path of paths) {
    let watcher: Deno.FsWatcher;
    try {
      watcher = Deno.watchFs(path);
    } catch (error) {
      warn(`Not watching ${path} for changes (${error instanceof Error ? error.message : error})`);
      continue;
    }
    watchers.push(watcher);
    (async () => {
      try {
        for await (const event of watcher) {
          if (event.kind === "access") continue;
          clearTimeout(timer);
          timer = setTimeout(() => holder.reload("file changed"), debounceMs);
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
