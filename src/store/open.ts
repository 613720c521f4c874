/**
 * Opens the gateway's Deno KV, named by `SLUICE_KV`:
 *
 * - unset: `./data/sluice.kv` (the folder is created), or Deno Deploy's own KV when running there;
 * - `:memory:`: a KV that lives and dies with the process (tests);
 * - a path: a KV file there (several processes on one machine may share it);
 * - an `http(s)://` URL: a KV Connect server (self-hosted `denokv`, or Deploy's from outside),
 *   authenticated by `DENO_KV_ACCESS_TOKEN`.
 *
 * Only the entry calls this; everything else receives the open `Deno.Kv`.
 */

export interface StoreLocation {
  /** What `Deno.openKv` is given; undefined means the platform's default (Deno Deploy). */
  path: string | undefined;
  /** For messages: where the data lives. */
  describe: string;
}

/** Where `SLUICE_KV` (and the platform) say the store is. */
export function storeLocation(env: (name: string) => string | undefined): StoreLocation {
  const configured = env("SLUICE_KV")?.trim();
  if (configured) {
    return {
      path: configured,
      describe: /^https?:\/\//.test(configured)
        ? `KV Connect at ${redactUrl(configured)}`
        : configured,
    };
  }
  if (env("DENO_DEPLOYMENT_ID")) return { path: undefined, describe: "Deno Deploy's KV" };
  return { path: "./data/sluice.kv", describe: "./data/sluice.kv" };
}

/** Opens the store at `location`, creating a file's folder first. */
export async function openStore(location: StoreLocation): Promise<Deno.Kv> {
  const path = location.path;
  if (path && path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const folder = path.replace(/[^/]*$/, "");
    if (folder) await Deno.mkdir(folder, { recursive: true });
  }
  return await Deno.openKv(path);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.href;
  } catch {
    return "(invalid URL)";
  }
}
