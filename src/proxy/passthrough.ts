/**
 * Path-preserving passthrough to a channel's native API (`/proxy/{channel}/{path}`): the client's
 * gateway key is swapped for the channel's key, everything else flows through untouched, bodies
 * streamed both ways.
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import { GatewayError } from "../http/errors.ts";
import type { RequestContext } from "../plugin/contract.ts";
import type { Channel } from "../routing/channel.ts";
import { REJECTED_KEY_MS } from "../routing/key_pool.ts";
import type { Recorder } from "../stats/record.ts";
import { CallAbort } from "./call_abort.ts";
import { CREDENTIAL_HEADERS, lazyClientHeaders, relayedHeaders } from "./headers.ts";

/** Client headers never forwarded: our own credentials and per-hop framing. */
const CLIENT_ONLY = new Set([
  ...CREDENTIAL_HEADERS,
  "host",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
  "te",
  "upgrade",
  "accept-encoding",
]);

export interface PassthroughInput {
  channel: Channel;
  key: GatewayKey;
  /** The path after the channel, with its leading slash, plus the query string. */
  path: string;
  request: Request;
  requestId: string;
  startedAt: number;
  maxRequestBytes: number;
}

export interface PassthroughDeps {
  fetch: typeof fetch;
  recorder: Recorder;
}

export async function passthrough(
  input: PassthroughInput,
  deps: PassthroughDeps,
): Promise<Response> {
  const { channel, request } = input;
  if (input.key.channels && !input.key.channels.has(channel.name)) {
    throw new GatewayError(403, `Key "${input.key.name}" may not use channel "${channel.name}"`, {
      code: "channel_not_allowed",
    });
  }
  // Native uploads stream through; a body that declares itself over the limit is refused first.
  if (Number(request.headers.get("content-length") ?? 0) > input.maxRequestBytes) {
    throw new GatewayError(
      413,
      `Request body exceeds the limit of ${input.maxRequestBytes} bytes`,
      {
        code: "request_too_large",
      },
    );
  }
  const headers = new Headers();
  for (const [name, value] of request.headers) if (!CLIENT_ONLY.has(name)) headers.set(name, value);
  for (const [name, value] of Object.entries(channel.config.headers)) headers.set(name, value);
  const apiKey = channel.keys.pick();
  const call = new CallAbort(request.signal);
  call.deadline(channel.streamTimeout, `Upstream "${channel.name}"`);
  const signal = call.signal;
  const clientHeaders = lazyClientHeaders(request.headers);
  const ctx: RequestContext<unknown> = {
    channel: channel.info,
    endpoint: "passthrough",
    model: "",
    requestedModel: "",
    stream: false,
    apiKey,
    requestId: input.requestId,
    signal,
    get clientHeaders() {
      return clientHeaders();
    },
  };
  if (channel.plugin.injectHeaders) channel.plugin.injectHeaders(headers, ctx);
  else if (apiKey) headers.set("authorization", `Bearer ${apiKey}`);

  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const record = (status: number, error?: string) =>
    deps.recorder.record({
      time: Date.now(),
      requestId: input.requestId,
      key: input.key.name,
      endpoint: "proxy",
      channel: channel.name,
      status,
      attempts: 1,
      stream: false,
      protocol: "http",
      latencyMs: performance.now() - input.startedAt,
      error,
    });
  let upstream: Response;
  try {
    upstream = await deps.fetch(joinUpstreamPath(channel.info.baseUrl, input.path), {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      signal,
      // @ts-ignore: `duplex` is required by the fetch spec for streamed request bodies.
      duplex: "half",
    });
  } catch (error) {
    call.done();
    const timedOut = (error as Error)?.name === "TimeoutError";
    const message = timedOut
      ? `Upstream "${channel.name}" timed out`
      : `Could not reach "${channel.name}": ${error instanceof Error ? error.message : error}`;
    record(timedOut ? 504 : 502, message);
    throw new GatewayError(timedOut ? 504 : 502, message, {
      code: timedOut ? "upstream_timeout" : "upstream_unreachable",
    });
  }
  if (upstream.status === 401 || upstream.status === 403) {
    channel.keys.setAside(apiKey, REJECTED_KEY_MS);
  }
  record(upstream.status);
  const out = relayedHeaders(upstream.headers);
  out.set("x-sluice-channel", channel.name);
  out.set("x-sluice-attempts", "1");
  // The deadline covers the whole exchange; release it when the body has been relayed.
  const body = upstream.body?.pipeThrough(new TransformStream({ flush: () => call.done() }));
  if (!body) call.done();
  return new Response(body ?? null, { status: upstream.status, headers: out });
}

/**
 * Joins a client path to the channel's base URL. Native SDKs send the full path (`/v1/models`),
 * so a path that already starts with the base URL's own path is joined at the origin rather than
 * doubling it; anything else is relative to the base URL (`/models` → `<base>/models`).
 */
export function joinUpstreamPath(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  if (
    basePath &&
    (path === basePath || path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`))
  ) {
    return base.origin + path;
  }
  return baseUrl + path;
}
