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
  readonly #byName = new Map<string, Asset>();
  readonly #byHashed = new Map<string, Asset>();

  /** @param read reads a file; a parameter so tests and other platforms can supply their own. */
  constructor(read: (url: URL) => Uint8Array = Deno.readFileSync) {
    for (const [name, type] of Object.entries(FILES)) {
      const body = read(sourceOf(name));
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
  }

  /** The URL a page links `name` by. */
  href(name: keyof typeof FILES): string {
    const asset = this.#byName.get(name);
    if (!asset) throw new Error(`Unknown dashboard asset "${name}"`);
    return `/dashboard/assets/${asset.hashed}`;
  }

  /** `GET /dashboard/assets/:file`, with its caching headers. */
  routes(): Hono {
    const app = new Hono();
    app.get("/dashboard/assets/:file", (c) => {
      const file = c.req.param("file");
      const hashed = this.#byHashed.get(file);
      const asset = hashed ?? this.#byName.get(file);
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

/** The assets, read on first use and shared by every app in the process. */
export function dashboardAssets(): Assets {
  shared ??= new Assets();
  return shared;
}
