/**
 * The plugin contract: everything a file in `plugins/` may import from Sluice.
 *
 * A plugin is a plain object of optional hooks, run in the order of OpenResty's phases:
 *
 * 1. `rewriteRequest`  — rewrite: URL, body, model name (e.g. convert OpenAI → Anthropic)
 * 2. `injectHeaders`   — access: put the upstream key where the upstream wants it
 * 3. `respond`         — content: answer locally instead of calling the upstream
 * 4. `transformResponse` / `transformError` — body filter for whole responses
 * 5. `transformStreamEvent` / `endStream`   — body filter for each server-sent event
 * 6. `extractUsage`    — log: token counts from the upstream's own format
 *
 * plus `listModels` for model discovery, `nativeModel` for `/proxy` calls and `openWebSocket` for
 * WebSocket sessions (`/v1/realtime`, upgrades on `/proxy`). A plugin with no hooks is a
 * transparent pass-through to an OpenAI-compatible upstream with `Authorization: Bearer <key>`
 * (WebSocket excepted: only a plugin that declares `openWebSocket` can open one).
 *
 * @example A complete plugin for an OpenAI-compatible upstream that wants its key in `X-Key`
 * ```ts
 * import { definePlugin, z } from "../src/plugin/contract.ts";
 *
 * export default definePlugin({
 *   name: "acme",
 *   defaults: { base_url: "https://api.acme.example/v1" },
 *   options: z.strictObject({ region: z.enum(["eu", "us"]).default("eu") }),
 *   injectHeaders(headers, ctx) {
 *     headers.set("X-Key", ctx.apiKey);
 *     headers.set("X-Region", ctx.channel.options.region);
 *   },
 * });
 * ```
 */
import { z } from "zod";
import type { Endpoint, EndpointBody } from "../endpoints.ts";
import type { Usage } from "../formats/openai.ts";
import type { SseEvent } from "../sse/event.ts";
import type { UpstreamFailure } from "../errors.ts";

export { z };
export type { Endpoint, EndpointBody, SseEvent, UpstreamFailure };
export { ENDPOINTS } from "../endpoints.ts";
export { sseJson } from "../sse/event.ts";
export { UpstreamError } from "../errors.ts";
export { estimatePromptTokens, estimateTokens } from "../formats/tokens.ts";
export * as anthropic from "./anthropic.ts";
export * as gemini from "./gemini.ts";
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  CompletionRequest,
  EmbeddingRequest,
  ErrorBody,
  FinishReason,
  Usage,
} from "../formats/openai.ts";

/** The channel a hook runs for, as configured (secrets excluded). */
export interface ChannelInfo<O> {
  name: string;
  /** The channel's `base_url`, or the plugin's default, normalised, without a trailing slash. */
  baseUrl: string;
  /** The channel's `options`, parsed by the plugin's `options` schema. */
  options: O;
}

/**
 * Everything a request hook knows about the call it is shaping. Every hook of one attempt
 * receives the same object (stream hooks see it with `state` added), so a plugin may key
 * per-attempt data on it, e.g. in a `WeakMap`.
 */
export interface RequestContext<O> {
  channel: ChannelInfo<O>;
  /** `"passthrough"` for `/proxy/{channel}/...` calls, where only `injectHeaders` runs. */
  endpoint: Endpoint | "passthrough";
  /** The upstream's model name, after aliases and the channel's `model_map`. */
  model: string;
  /** The model name as the client sent it. */
  requestedModel: string;
  stream: boolean;
  /** The upstream key chosen for this attempt; "" for channels without keys. */
  apiKey: string;
  requestId: string;
  /** Aborted when the client goes away or a deadline passes. */
  signal: AbortSignal;
  /**
   * The client's request headers, read-only, for upstream features clients opt into per request
   * (e.g. `anthropic-beta`). Gateway credentials are never among them.
   */
  clientHeaders: Headers;
}

/** A hook's view of a stream in progress; `state` is what `createStreamState` returned. */
export interface StreamContext<O, S> extends RequestContext<O> {
  state: S;
}

/** The request about to be sent for endpoint `E`, body typed as that endpoint's. */
export interface EndpointRequest<E extends Endpoint> {
  readonly endpoint: E;
  /** Where it goes; a string or a URL, under the channel's origin. */
  url: string | URL;
  method: string;
  headers: Headers;
  /** The body, serialized as JSON by the gateway. Mutate it in place or return a new request. */
  body: EndpointBody<E>;
}

/**
 * The request about to be sent upstream, narrowed by `endpoint`:
 * `if (request.endpoint === "chat") request.body.messages` is typed.
 */
export type UpstreamRequest = { [E in Endpoint]: EndpointRequest<E> }[Endpoint];

/** What `rewriteRequest` may return instead: a request in another API's shape altogether. */
export interface RewrittenRequest {
  url: string | URL;
  method?: string;
  headers: Headers;
  /** Any JSON value; `undefined` for requests without a body. */
  body: unknown;
}

/** Context for model discovery. */
export interface ModelsContext<O> {
  channel: ChannelInfo<O>;
  apiKey: string;
  signal: AbortSignal;
  /** The gateway's fetch: never follows redirects. */
  fetch: typeof fetch;
}

/** A channel kind. Every hook is optional. `O` is the parsed `options`, `S` the stream state. */
export interface Plugin<O = Record<string, unknown>, S = undefined> {
  /** Must match the file name in `plugins/` (without `.ts`). */
  name: string;
  description?: string;
  /** Schema for the channel's `options`; unknown options are an error when present. */
  options?: z.ZodType<O>;
  defaults?: {
    /** Used when the channel sets no `base_url`. */
    base_url?: string;
  };
  /** False for upstreams that need no key (local servers, `echo`). @default true */
  requiresKey?: boolean;
  /**
   * The endpoints the upstream serves natively. A request for one it lacks is either converted
   * (e.g. `messages` → `chat`) or refused. @default ["chat", "completions", "embeddings"]
   */
  endpoints?: Endpoint[];

  /** Rewrite phase: change URL, body or method in place, or return a request in another shape. */
  rewriteRequest?(
    request: UpstreamRequest,
    ctx: RequestContext<O>,
  ): RewrittenRequest | void | Promise<RewrittenRequest | void>;
  /**
   * Access phase: authenticate upstream. Replaces the default `Authorization: Bearer <key>`.
   */
  injectHeaders?(headers: Headers, ctx: RequestContext<O>): void;
  /** Content phase: answer without calling any upstream. The answer then flows through the
   * response hooks like an upstream's would. */
  respond?(request: UpstreamRequest, ctx: RequestContext<O>): Response | Promise<Response>;

  /** Turns a successful upstream JSON body into the endpoint's format for the client. */
  transformResponse?(body: unknown, ctx: RequestContext<O>): unknown;
  /** Turns an upstream error (status ≥ 400) into what the client sees and failover uses. */
  transformError?(
    status: number,
    body: unknown,
    ctx: RequestContext<O>,
  ): UpstreamFailure | undefined;

  /** Fresh per-stream state for the stream hooks. */
  createStreamState?(ctx: RequestContext<O>): S;
  /**
   * Turns one upstream event into zero or more events for the client. Throw
   * {@link UpstreamError} for an error the upstream reported in-stream.
   */
  transformStreamEvent?(event: SseEvent, ctx: StreamContext<O, S>): SseEvent[];
  /** Events to send after the upstream's stream ended (final chunks, usage). */
  endStream?(ctx: StreamContext<O, S>): SseEvent[];

  /**
   * Token counts from an upstream body or stream event in the upstream's own format. For
   * streams `ctx.state` is the stream's state, so totals can build up across events.
   */
  extractUsage?(data: unknown, ctx: RequestContext<O> & { state?: S }): Usage | undefined;
  /** Model ids the upstream serves, for channels that do not list `models`. */
  listModels?(ctx: ModelsContext<O>): Promise<string[]>;
  /**
   * The model a native call through `/proxy` names (in its path or body), so a key's model
   * allow-list holds there too. @default the body's `model` field
   */
  nativeModel?(call: NativeCall, ctx: { channel: ChannelInfo<O> }): string | undefined;
  /**
   * How this upstream's WebSocket is opened: its URL, the handshake headers that carry the key,
   * and the subprotocols to offer. Called once per session, for `GET /v1/realtime?model=…`
   * (`ctx.kind === "realtime"`) and for upgrade requests on `/proxy/{channel}/…`
   * (`"passthrough"`). Without this hook the channel cannot be used over WebSocket: a realtime
   * request skips it, and a `/proxy` upgrade is refused with a 400 saying so. The URL must stay on
   * the channel's origin (`http(s)` is turned into `ws(s)`); gateway credentials never reach it.
   *
   * @example An upstream that takes its key as a header and serves `/v1/realtime`
   * ```ts
   * openWebSocket(ctx) {
   *   return { url: ctx.url, headers: { authorization: `Bearer ${ctx.apiKey}` } };
   * },
   * ```
   * @example An upstream that wants the key in the query and a fixed path for realtime
   * ```ts
   * openWebSocket(ctx) {
   *   const url = ctx.kind === "realtime"
   *     ? new URL(`/ws/realtime?model=${encodeURIComponent(ctx.model)}`, ctx.url)
   *     : new URL(ctx.url);
   *   url.searchParams.set("api_key", ctx.apiKey);
   *   return { url, protocols: [] };
   * },
   * ```
   */
  openWebSocket?(ctx: WebSocketContext<O>): WebSocketTarget;
}

/** What `openWebSocket` knows about the session being opened. */
export interface WebSocketContext<O> {
  channel: ChannelInfo<O>;
  /**
   * `"realtime"`: `GET /v1/realtime?model=…`, routed by model like any request.
   * `"passthrough"`: an upgrade on `/proxy/{channel}/{path}` (or a single-channel key's other
   * paths), aimed at this channel by name.
   */
  kind: "realtime" | "passthrough";
  /** The upstream model (after aliases and `model_map`); "" when the client named none. */
  model: string;
  /** The upstream key chosen for this session; "" for channels without keys. */
  apiKey: string;
  requestId: string;
  /**
   * The URL the gateway would open, already `ws:`/`wss:`: for `realtime`,
   * `{base_url}/realtime?model={model}`; for `passthrough`, the client's path under `base_url`
   * (checked like any `/proxy` path). Either way with the client's other query parameters, and
   * without the gateway key (`?key=`, `?api-key=`).
   */
  url: URL;
  /**
   * For `passthrough`, the client's path after the channel as sent (still percent-encoded, and
   * checked like any `/proxy` path), with its leading slash; "/realtime" for `realtime`. For
   * upstreams whose WebSocket lives outside `base_url`'s path: set it as `pathname` on the
   * channel's origin.
   */
  path: string;
  /** The subprotocols the client offered, gateway credentials removed. */
  protocols: readonly string[];
  /** The client's handshake headers, read-only, without credentials. */
  clientHeaders: Headers;
}

/** Where and how to open an upstream WebSocket: what `openWebSocket` returns. */
export interface WebSocketTarget {
  /** `ws:`/`wss:` (or `http:`/`https:`, converted), on the channel's origin. */
  url: string | URL;
  /** Handshake headers, e.g. the key. The channel's `headers` are added to them. */
  headers?: Record<string, string>;
  /** Subprotocols to offer upstream. @default the client's, gateway credentials removed */
  protocols?: string[];
  /**
   * The model a client text message names, for upstreams that name it inside the session
   * rather than in the URL (DashScope's `run-task` carries `payload.model`). When given, a
   * model-restricted key may open the session, and every message naming a model it may not use
   * closes the session (1008), as does a throw (say, for a message that names its model twice,
   * which parsers may read differently). The model named is also what the session's record
   * shows. Keep it cheap: it sees every client text message of the session.
   */
  messageModel?(text: string): string | undefined;
}

/** A `/proxy` call as `nativeModel` sees it. */
export interface NativeCall {
  method: string;
  /** The path after the channel, decoded, with its leading slash. */
  path: string;
  /** The JSON body, when there is one. */
  body: unknown;
}

/**
 * Declares a plugin with full type inference for its options and stream state.
 *
 * @example
 * ```ts
 * export default definePlugin({ name: "my-upstream", defaults: { base_url: "http://127.0.0.1:8000/v1" } });
 * ```
 */
export function definePlugin<O = Record<string, unknown>, S = undefined>(
  plugin: Plugin<O, S>,
): Plugin<O, S> {
  return plugin;
}

/** Reads `retry-after` (seconds or an HTTP date) into seconds. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
