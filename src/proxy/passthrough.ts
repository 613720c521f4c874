/**
 * Path-preserving passthrough to a channel's native API (`/proxy/{channel}/{path}`, and any other
 * path for a key bound to one channel): the gateway key is swapped for the channel's and
 * everything else flows through, bodies streamed both ways. What a hostile client or upstream
 * could do here is closed off in one place each: the path cannot leave the channel
 * (`proxy_path.ts`), a model-restricted key is held to its models (the plugin's `nativeModel`
 * reads the model; without one, such a key may only list models), uploads are counted as they
 * stream, redirects come back unfollowed, error bodies are scrubbed of keys, and the channel's
 * stream deadline cancels the response body's reader.
 */
import type { GatewayKey } from "../auth/key_ring.ts";
import { withoutCredentials } from "../auth/token.ts";
import { GatewayError } from "../errors.ts";
import { parseJsonBounded } from "../formats/json.ts";
import { readRequestText } from "../ingress/body.ts";
import type { RequestContext } from "../plugin/contract.ts";
import type { Channel } from "../routing/channel.ts";
import { REJECTED_KEY_MS } from "../routing/key_pool.ts";
import type { RequestLog } from "../stats/request_log.ts";
import { networkCause } from "./failure.ts";
import { forwardedHeaders, lazyClientHeaders, relayedHeaders } from "./headers.ts";
import { proxyTarget, safeSegments } from "./proxy_path.ts";
import { readCappedText } from "./read_capped.ts";
import type { ProxyDeps } from "./scope.ts";
import { scrubberFor } from "./scrub.ts";
import { UpstreamCall } from "./upstream_call.ts";
import { buildUpstreamRequest } from "./upstream_request.ts";

export interface PassthroughInput {
  channel: Channel;
  key: GatewayKey;
  /** The token the client presented, scrubbed from error bodies. */
  token: string | undefined;
  request: Request;
  /** The raw path after the channel (as sent, still encoded), with its leading slash. */
  path: string;
  /** The raw query, with its `?`, or "". */
  query: string;
  requestId: string;
  log: RequestLog;
  maxRequestBytes: number;
}

/** How much of an upstream's error body is read (to scrub it) before it reaches the client. */
const ERROR_BODY_BYTES = 1024 * 1024;

export async function passthrough(input: PassthroughInput, deps: ProxyDeps): Promise<Response> {
  const { channel, request, log } = input;
  log.set({ endpoint: "proxy", channel: channel.name, attempts: 1 });
  if (input.key.channels && !input.key.channels.has(channel.name)) {
    throw new GatewayError(403, `Key "${input.key.name}" may not use channel "${channel.name}"`, {
      code: "channel_not_allowed",
    });
  }
  const query = withoutCredentials(input.query, input.token);
  const url = proxyTarget(channel.info.baseUrl, input.path, query);
  const body = await requestBody(input);
  const apiKey = channel.keys.pick();
  // One deadline for the whole exchange: `stream_timeout`, the longest a body may flow.
  const call = new UpstreamCall(
    deps.deadlines,
    channel.streamTimeout,
    () => request.signal,
    "Stream",
  );
  const clientHeaders = lazyClientHeaders(request.headers);
  const ctx: RequestContext<unknown> & { endpoint: "passthrough" } = {
    channel: channel.info,
    endpoint: "passthrough",
    model: "",
    requestedModel: "",
    stream: false,
    apiKey,
    requestId: input.requestId,
    signal: call.signal,
    get clientHeaders() {
      return clientHeaders();
    },
  };
  const built = await buildUpstreamRequest({
    channel,
    ctx,
    url,
    method: request.method,
    headers: forwardedHeaders(request.headers),
    body: body.stream,
  });
  let upstream: Response;
  try {
    upstream = await deps.fetch(built.url, {
      method: built.method,
      headers: built.headers as HeadersInit,
      body: built.body,
      signal: call.signal,
      // @ts-ignore: `duplex` is required by the fetch spec for streamed request bodies.
      duplex: "half",
    });
  } catch (error) {
    call.done();
    if (body.tooLarge()) throw tooLarge(input.maxRequestBytes);
    if (call.expired) {
      throw new GatewayError(504, `Upstream "${channel.name}" timed out`, {
        code: "upstream_timeout",
      });
    }
    throw new GatewayError(502, `Could not reach "${channel.name}": ${networkCause(error)}`, {
      code: "upstream_unreachable",
    });
  }
  if (body.tooLarge()) {
    call.abort();
    await upstream.body?.cancel().catch(() => {});
    throw tooLarge(input.maxRequestBytes);
  }
  if (upstream.status === 401 || upstream.status === 403) {
    channel.keys.setAside(apiKey, REJECTED_KEY_MS);
  }
  const scrub = scrubberFor([...channel.keys.all, input.token]);
  const headers = relayedHeaders(upstream.headers, scrub);
  headers["x-request-id"] = input.requestId;
  headers["x-sluice-channel"] = channel.name;
  headers["x-sluice-attempts"] = "1";
  if (upstream.status >= 400 || !upstream.body) {
    // Error bodies may echo the key the upstream received: read, scrub, then send.
    const text = scrub(await readCappedText(upstream, ERROR_BODY_BYTES).catch(() => ""));
    call.done();
    return new Response(text, { status: upstream.status, headers });
  }
  log.defer();
  const relayed = relayBody(
    upstream.body,
    call,
    (error) => log.close(upstream.status, deps.now(), error ? { error } : {}),
  );
  return new Response(relayed, { status: upstream.status, headers });
}

/**
 * The body to send on. A model-restricted key's body is read (within the limit) to find the model
 * it names; any other streams through, counted, and is cut past the limit.
 */
async function requestBody(input: PassthroughInput) {
  const { request, maxRequestBytes: max } = input;
  const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
  if (Number(request.headers.get("content-length") ?? 0) > max) throw tooLarge(max);
  if (input.key.restrictsModels) {
    const text = hasBody ? await readRequestText(request, max) : undefined;
    checkModel(input, text);
    return { stream: text, tooLarge: () => false };
  }
  if (!hasBody) return { stream: undefined, tooLarge: () => false };
  let over = false;
  let size = 0;
  const reader = request.body!.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      size += value.byteLength;
      if (size > max) {
        over = true;
        reader.cancel().catch(() => {});
        return controller.error(tooLarge(max));
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { stream, tooLarge: () => over };
}

/** A model-restricted key may call only its models here, or list models. */
function checkModel(input: PassthroughInput, text: string | undefined): void {
  const { channel, key, request } = input;
  let json: unknown;
  try {
    json = text ? parseJsonBounded(text) : undefined;
  } catch {
    json = undefined;
  }
  const path = safeSegments(input.path).map(decodeURIComponent);
  const call = { method: request.method, path: "/" + path.join("/"), body: json };
  const named = channel.plugin.nativeModel
    ? channel.plugin.nativeModel(call, { channel: channel.info })
    : (json as { model?: unknown } | undefined)?.model;
  const model = typeof named === "string" ? named : undefined;
  if (model === undefined) {
    if (request.method === "GET" && path.at(-1) === "models") return;
    throw new GatewayError(
      403,
      `Key "${key.name}" may use only some models, and this call names none: through /proxy it ` +
        "may only list models or call one of its models",
      { code: "model_not_allowed" },
    );
  }
  if (!key.allowsModel(model, channel.name)) {
    throw new GatewayError(403, `Key "${key.name}" may not use model "${model}"`, {
      code: "model_not_allowed",
      param: "model",
    });
  }
}

/**
 * The upstream's body, read by us so the deadline can stop it: aborting the fetch alone does not
 * stop a body already being read. At the deadline the client's response is cut (an error, so it
 * cannot pass for a complete answer; Deno prints that error's one line).
 */
function relayBody(
  body: ReadableStream<Uint8Array>,
  call: UpstreamCall,
  onEnd: (error?: string) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  call.attach(reader);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        chunk = { done: true, value: undefined };
        if (!call.expired) {
          call.done();
          onEnd(`upstream body failed: ${networkCause(error)}`);
          return controller.error(`sluice: ${networkCause(error)}`);
        }
      }
      if (call.expired) {
        onEnd(call.expired.message);
        return controller.error(`sluice: proxied body cut: ${call.expired.message}`);
      }
      if (chunk.done) {
        call.done();
        onEnd();
        return controller.close();
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      call.abort();
      reader.cancel(reason).catch(() => {});
      onEnd("client closed the body");
    },
  });
}

function tooLarge(max: number): GatewayError {
  return new GatewayError(413, `Request body exceeds the limit of ${max} bytes`, {
    code: "request_too_large",
  });
}
