/**
 * Builds the request one attempt sends upstream, the same way for routed attempts, `/proxy`
 * calls and the plugin test helper: the endpoint's URL on the channel, the channel's headers and
 * key, the body with the upstream model and stream mode; then the plugin's rewrite phase (routed
 * calls only) and access phase; then the check that the URL is still on the channel's origin.
 *
 * The client's own bytes go upstream unchanged when nothing changes them: the body is copied
 * only when the model or stream mode differ or a plugin reads it, and headers become a `Headers`
 * object only when a plugin touches them (a plain object is half the cost for `fetch`).
 */
import type { Endpoint } from "../endpoints.ts";
import type { RequestContext, RewrittenRequest, UpstreamRequest } from "../plugin/contract.ts";
import type { Channel } from "../routing/channel.ts";

/** What to send, ready for `fetch` (or a plugin's `respond`). */
export interface BuiltRequest {
  url: string;
  method: string;
  headers: Headers | Readonly<Record<string, string>>;
  body: BodyInit | undefined;
  /** The request as the plugin hooks saw it last: what `respond` answers. */
  shaped: UpstreamRequest | RewrittenRequest;
}

/** A routed call: JSON to one of the channel's endpoints. */
export interface RoutedSpec {
  channel: Channel;
  ctx: RequestContext<unknown> & { endpoint: Endpoint };
  /** The body for this endpoint; shared by every attempt, so never mutated here. */
  body: Record<string, unknown>;
  /** The client's bytes of `body`, when `body` is the client's own (not a conversion). */
  rawBody?: string;
}

/** A `/proxy` call: any method to a path already checked by `proxyTarget`. */
export interface NativeSpec {
  channel: Channel;
  ctx: RequestContext<unknown> & { endpoint: "passthrough" };
  url: string;
  method: string;
  /** The client's headers, already stripped of credentials and hop-by-hop headers. */
  headers: Record<string, string>;
  body: BodyInit | undefined;
}

/** The plugin reached outside its channel's origin: a plugin bug, never sent. */
export class OriginError extends Error {
  override name = "OriginError";
}

export async function buildUpstreamRequest(spec: RoutedSpec | NativeSpec): Promise<BuiltRequest> {
  if (spec.ctx.endpoint === "passthrough") return buildNative(spec as NativeSpec);
  const { channel, ctx } = spec as RoutedSpec;
  const plugin = channel.plugin;
  const draft = new Draft(ctx.endpoint, channel, (spec as RoutedSpec).body, ctx);
  const request = draft as unknown as UpstreamRequest;
  const rewritten = plugin.rewriteRequest ? await plugin.rewriteRequest(request, ctx) : undefined;
  const shaped: UpstreamRequest | RewrittenRequest = rewritten ?? request;

  let headers: Headers | Readonly<Record<string, string>>;
  if (plugin.injectHeaders) {
    headers = shaped.headers;
    plugin.injectHeaders(headers, ctx);
  } else if (!rewritten && !draft.headersTouched) {
    headers = ctx.apiKey ? bearerHeaders(channel, ctx.apiKey) : channel.staticHeaders;
  } else {
    headers = shaped.headers;
    if (ctx.apiKey) headers.set("authorization", `Bearer ${ctx.apiKey}`);
  }

  let body: string | undefined;
  const raw = (spec as RoutedSpec).rawBody;
  if (!rewritten && !draft.bodyTouched && raw !== undefined && draft.sendsClientBytes(raw)) {
    body = raw;
  } else {
    const json = rewritten ? rewritten.body : draft.body;
    body = json === undefined ? undefined : JSON.stringify(json);
  }
  const url = typeof shaped.url === "string" ? shaped.url : shaped.url.href;
  if (!plugin.respond) assertOnOrigin(channel, url);
  return { url, method: shaped.method ?? "POST", headers, body, shaped };
}

function buildNative(spec: NativeSpec): BuiltRequest {
  const { channel, ctx } = spec;
  const headers = new Headers(spec.headers);
  for (const [name, value] of Object.entries(channel.config.headers)) headers.set(name, value);
  if (channel.plugin.injectHeaders) channel.plugin.injectHeaders(headers, ctx);
  else if (ctx.apiKey) headers.set("authorization", `Bearer ${ctx.apiKey}`);
  assertOnOrigin(channel, spec.url);
  const shaped = { url: spec.url, method: spec.method, headers, body: undefined };
  return { url: spec.url, method: spec.method, headers, body: spec.body, shaped };
}

/** `Authorization: Bearer` plus the channel's static headers, built once per key. */
const bearerCache = new WeakMap<Channel, Map<string, Readonly<Record<string, string>>>>();

function bearerHeaders(channel: Channel, apiKey: string): Readonly<Record<string, string>> {
  let byKey = bearerCache.get(channel);
  if (!byKey) bearerCache.set(channel, byKey = new Map());
  let headers = byKey.get(apiKey);
  if (!headers) {
    headers = Object.freeze({ ...channel.staticHeaders, authorization: `Bearer ${apiKey}` });
    byKey.set(apiKey, headers);
  }
  return headers;
}

/**
 * Every upstream URL stays on the channel's origin. The base URL is normalised when the channel
 * is built, so a URL made from it starts with `origin + "/"`; anything else (another host, a
 * userinfo trick) is refused before a byte is sent.
 */
export function assertOnOrigin(channel: Channel, url: string): void {
  if (url.startsWith(channel.origin + "/") || url === channel.origin) return;
  throw new OriginError(
    `Plugin "${channel.plugin.name}" built a URL outside channel "${channel.name}"'s origin ${channel.origin}`,
  );
}

/**
 * The request as the rewrite phase sees it. Its body is the shared one until a hook reads it (or
 * the model or stream mode must change), then a shallow copy the hook may mutate; untouched,
 * the client's own bytes can go upstream as they came.
 */
class Draft {
  url: string | URL;
  method = "POST";
  #headers: Headers | undefined;
  #body: Record<string, unknown> | undefined;

  constructor(
    readonly endpoint: Endpoint,
    private readonly channel: Channel,
    private readonly source: Record<string, unknown>,
    private readonly ctx: RequestContext<unknown>,
  ) {
    this.url = channel.urls[endpoint];
  }

  get headers(): Headers {
    return this.#headers ??= new Headers(this.channel.staticHeaders);
  }

  set headers(headers: Headers) {
    this.#headers = headers;
  }

  get body(): Record<string, unknown> {
    if (this.#body === undefined) {
      const body: Record<string, unknown> = { ...this.source, model: this.ctx.model };
      if (this.ctx.stream) body.stream = true;
      else if ("stream" in body) body.stream = false;
      this.#body = body;
    }
    return this.#body;
  }

  set body(body: Record<string, unknown>) {
    this.#body = body;
  }

  get headersTouched(): boolean {
    return this.#headers !== undefined;
  }

  get bodyTouched(): boolean {
    return this.#body !== undefined;
  }

  /**
   * Whether the client's bytes already say what the upstream must receive: the same model and
   * stream mode, and each of those keys once only (a duplicate could be read one way here and
   * another way upstream).
   */
  sendsClientBytes(raw: string): boolean {
    const source = this.source;
    return source.model === this.ctx.model && (source.stream === true) === this.ctx.stream &&
      once(raw, '"model"') && once(raw, '"stream"');
  }
}

function once(text: string, needle: string): boolean {
  return text.indexOf(needle) === text.lastIndexOf(needle);
}
