/**
 * The upstream URL of a path-preserving call (`/proxy/{channel}/…`, and a single-channel key's
 * other paths), built so that no client path can leave the channel: the raw segments the client
 * sent (never a normalised URL, which has already resolved `..`) are checked one by one — no `.`
 * or `..` however encoded, no encoded `/` or `\`, no raw `\`, no control characters — and set on
 * the channel's base URL with the URL API. The final origin and base path are then asserted.
 */
import { GatewayError } from "../errors.ts";

/** The raw path (as sent, still percent-encoded) and query (with its `?`) of a request URL. */
export function rawTarget(url: string): { path: string; query: string } {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start === -1) return { path: "/", query: "" };
  const q = url.indexOf("?", start);
  return q === -1
    ? { path: url.slice(start), query: "" }
    : { path: url.slice(start, q), query: url.slice(q) };
}

/** Splits a raw path into its segments after checking each; `/a//b` keeps its empty segment. */
export function safeSegments(rawPath: string): string[] {
  if (rawPath === "" || rawPath === "/") return [];
  const segments = rawPath.slice(rawPath.startsWith("/") ? 1 : 0).split("/");
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw invalidPath(`malformed percent-encoding in "${segment.slice(0, 80)}"`);
    }
    if (decoded === "." || decoded === "..") throw invalidPath("'.' and '..' segments");
    if (segment.includes("\\") || decoded.includes("/") || decoded.includes("\\")) {
      throw invalidPath("encoded or backslash separators");
    }
    // deno-lint-ignore no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(decoded)) throw invalidPath("control characters");
  }
  return segments;
}

/** An API version segment (`v1`, `v1beta`, `v1alpha2`), its major number captured. */
const VERSION = /^v(\d+)(?:(?:alpha|beta)\d*)?$/;

/** `v1beta` and `v1` are one API's stable and beta channels; `v1` and `v10` are not. */
function sameMajorVersion(a: string | undefined, b: string | undefined): boolean {
  const x = VERSION.exec(a ?? "");
  const y = VERSION.exec(b ?? "");
  return x !== null && y !== null && x[1] === y[1];
}

/**
 * `baseUrl` joined with the client's raw path and query. A path that already starts with the base
 * URL's own path (native SDKs send `/v1/models` to a `…/v1` channel) is joined at the origin
 * rather than doubling it. A path that starts with another channel of the API version the base
 * URL ends in (`@google/genai` sends `/v1/…` or `/v1alpha/…` to a `…/v1beta` channel) replaces
 * that version and stays under the base URL's parent. Anything else is relative to the base URL.
 * @throws {GatewayError} 400 `invalid_path` for a path that could leave the channel.
 */
export function proxyTarget(baseUrl: string, rawPath: string, rawQuery = ""): string {
  const segments = safeSegments(rawPath);
  const base = new URL(baseUrl);
  let baseSegments = base.pathname.split("/").filter((s) => s !== "");
  const alreadyBased = baseSegments.length > 0 &&
    baseSegments.every((s, i) => segments[i] === s);
  const otherVersion = !alreadyBased && sameMajorVersion(baseSegments.at(-1), segments[0]);
  if (otherVersion) baseSegments = baseSegments.slice(0, -1);
  const joined = alreadyBased ? segments : [...baseSegments, ...segments];
  const url = new URL(base.origin);
  url.pathname = "/" + joined.join("/");
  url.search = rawQuery;
  const basePath = "/" + baseSegments.join("/");
  const underBase = basePath === "/" || url.pathname === basePath ||
    url.pathname.startsWith(basePath + "/");
  if (url.origin !== base.origin || !underBase) {
    // Unreachable after the checks above; kept so a future change cannot silently break it.
    throw new GatewayError(400, "Invalid path: it would leave the channel", {
      code: "invalid_path",
    });
  }
  return url.href;
}

function invalidPath(why: string): GatewayError {
  return new GatewayError(400, `Invalid path: ${why} are not allowed in a proxied path`, {
    code: "invalid_path",
  });
}
