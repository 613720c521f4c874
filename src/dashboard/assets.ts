/**
 * The dashboard's static files (its script and style sheet, and uPlot vendored from
 * `npm:uplot` with its license), read once at start and served by Sluice itself, so the
 * dashboard works offline and under a `script-src 'self'` policy.
 *
 * Pages link each file by a name that carries its content hash (`app.3f2a1b9c.js`), served as
 * immutable for a year: a new build changes the name, so no browser keeps a stale script. The
 * plain name also answers, revalidated by ETag, for anyone who types it.
 */
import { Hono } from "hono";
import { createHash } from "node:crypto";

interface Asset {
  /** The name pages link to: `app.<hash>.js`. */
  hashed: string;
  type: string;
  body: Uint8Array;
  etag: string;
}

const FILES: Record<string, string> = {
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
  "icon.svg": "image/svg+xml",
  "uPlot.iife.min.js": "text/javascript; charset=utf-8",
  "uPlot.min.css": "text/css; charset=utf-8",
  "uPlot.LICENSE": "text/plain; charset=utf-8",
};

/** Where each file lives beside this module. */
function sourceOf(name: string): URL {
  const folder = name.startsWith("uPlot") ? "./assets/vendor/" : "./assets/";
  return new URL(folder + name, import.meta.url);
}

export class Assets {
  readonly #read: (url: URL) => Uint8Array;
  #byName: Map<string, Asset> | undefined;
  #byHashed = new Map<string, Asset>();

  /**
   * @param read reads a file; a parameter so tests and other platforms can supply their own.
   * Files are read on first use, not at start: a gateway run without read access to its own
   * folder (only `--allow-read=config`, say) still starts, and its pages render without them.
   */
  constructor(read: (url: URL) => Uint8Array = Deno.readFileSync) {
    this.#read = read;
  }

  #files(): Map<string, Asset> {
    if (this.#byName) return this.#byName;
    this.#byName = new Map();
    for (const [name, type] of Object.entries(FILES)) {
      let body: Uint8Array;
      try {
        body = this.#read(sourceOf(name));
      } catch {
        continue;
      }
      const hash = createHash("sha256").update(body).digest("hex").slice(0, 10);
      const dot = name.indexOf(".");
      const asset = {
        hashed: `${name.slice(0, dot)}.${hash}${name.slice(dot)}`,
        type,
        body,
        etag: `"${hash}"`,
      };
      this.#byName.set(name, asset);
      this.#byHashed.set(asset.hashed, asset);
    }
    return this.#byName;
  }

  /** The URL a page links `name` by. */
  href(name: keyof typeof FILES): string {
    return `/dashboard/assets/${this.#files().get(name)?.hashed ?? name}`;
  }

  /** `GET /dashboard/assets/:file`, with its caching headers. */
  routes(): Hono {
    const app = new Hono();
    app.get("/dashboard/assets/:file", (c) => {
      const file = c.req.param("file");
      const byName = this.#files();
      const hashed = this.#byHashed.get(file);
      const asset = hashed ?? byName.get(file);
      if (!asset) return c.text("Not found", 404);
      const headers: Record<string, string> = {
        "content-type": asset.type,
        etag: asset.etag,
        "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
      };
      if (c.req.header("if-none-match") === asset.etag) {
        return c.body(null, 304, headers);
      }
      return c.body(asset.body.slice().buffer, 200, headers);
    });
    return app;
  }
}

let shared: Assets | undefined;

/** The assets, shared by every app in the process. */
export function dashboardAssets(): Assets {
  shared ??= new Assets();
  return shared;
}
