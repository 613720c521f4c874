/**
 * Reload triggers that need the operating system: changes to the config file or the plugins
 * folder (debounced, since editors write in several steps) and SIGHUP.
 */
import type { GatewayHolder } from "./holder.ts";

/** Starts watching; returns a function that stops it. */
export function watchForReload(
  holder: GatewayHolder,
  paths: string[],
  debounceMs = 200,
): () => void {
  const watcher = Deno.watchFs(paths);
  let timer: ReturnType<typeof setTimeout> | undefined;
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
  const onHangup = () => holder.reload("SIGHUP");
  let signals = false;
  if (Deno.build.os !== "windows") {
    Deno.addSignalListener("SIGHUP", onHangup);
    signals = true;
  }
  return () => {
    clearTimeout(timer);
    watcher.close();
    if (signals) Deno.removeSignalListener("SIGHUP", onHangup);
  };
}
