/**
 * One call to one channel: build the upstream request, send it under its deadlines, classify what
 * came back and read a successful answer. The failover loop (`relay.ts`) decides what to do with
 * the result. What the upstream did wrong is returned as a failure and counts against the
 * channel; what a hook did wrong (a `TypeError`, a URL off the channel's origin) is a gateway bug,
 * thrown as {@link InternalError}, and counts against nobody.
 */
import { ENDPOINTS } from "../endpoints.ts";
import { InternalError, UpstreamError } from "../errors.ts";
import type { PreparedCall } from "../ingress/ingress.ts";
import type { StreamContext, UpstreamRequest } from "../plugin/contract.ts";
import type { Channel } from "../routing/channel.ts";
import type { Candidate } from "../routing/resolve.ts";
import { type Answer, takeAnswer } from "./answer.ts";
import {
  type AttemptFailure,
  type FailureFields,
  failureFromRedirect,
  failureFromResponse,
  failureFromThrown,
  fromUpstreamError,
} from "./failure.ts";
import { relayedHeaders } from "./headers.ts";
import type { ProxyDeps, RequestScope } from "./scope.ts";
import { lazyScrubber, type Scrubber, scrubberFor } from "./scrub.ts";
import type { StreamSummary } from "./stream_relay.ts";
import { UpstreamCall } from "./upstream_call.ts";
import { buildUpstreamRequest, type BuiltRequest, type RoutedSpec } from "./upstream_request.ts";

export interface AttemptInput {
  scope: RequestScope;
  candidate: Candidate;
  call: PreparedCall;
  /** The model named in converted answers (after aliases). */
  model: string;
  /** `deps.now()` by which the first byte must arrive: the request's remaining budget. */
  deadline: number;
  onStreamEnd(summary: StreamSummary): void;
}

export interface AttemptSuccess extends Answer {
  ok: true;
  /** Upstream headers worth relaying, scrubbed. */
  headers: Record<string, string>;
  upstreamMs: number;
}

export type AttemptResult = AttemptSuccess | AttemptFailure;

export async function attempt(input: AttemptInput, deps: ProxyDeps): Promise<AttemptResult> {
  const { scope, call } = input;
  const { channel, upstreamModel } = input.candidate;
  const plugin = channel.plugin;
  const apiKey = channel.keys.pick();
  const firstByteMs = Math.max(1, Math.min(channel.timeout, input.deadline - deps.now()));
  const upstreamCall = new UpstreamCall(deps.deadlines, firstByteMs, scope.clientSignal);
  const ctx: StreamContext<unknown, unknown> = {
    channel: channel.info,
    endpoint: call.endpoint,
    model: upstreamModel,
    requestedModel: scope.model,
    stream: upstreamMode(channel, call, scope.stream),
    apiKey,
    requestId: scope.id,
    signal: upstreamCall.signal,
    get clientHeaders() {
      return scope.clientHeaders();
    },
    state: undefined,
  };
  const started = deps.now();
  const scrub = secretsOf(channel, scope.token);
  const fail = (f: FailureFields): AttemptFailure => {
    upstreamCall.done();
    return {
      ...f,
      ok: false,
      message: scrub(f.message),
      key: apiKey,
      keyRejected: f.kind === "http" && (f.status === 401 || f.status === 403),
      upstreamMs: deps.now() - started,
    };
  };
  const bug = (error: unknown): never => {
    upstreamCall.abort();
    throw error instanceof InternalError ? error : new InternalError(scope.id, error);
  };

  let built: BuiltRequest;
  try {
    // The very context the other hooks get: plugins may key per-attempt data on it.
    const routed = ctx as RoutedSpec["ctx"];
    built = await buildUpstreamRequest({
      channel,
      ctx: routed,
      body: call.body,
      rawBody: call.rawBody,
    });
  } catch (error) {
    if (error instanceof UpstreamError) return fail(hookVerdict(error));
    return bug(error);
  }

  let upstream: Response;
  try {
    upstream = plugin.respond
      ? await plugin.respond(built.shaped as UpstreamRequest, ctx)
      : await deps.fetch(built.url, {
        method: built.method,
        headers: built.headers as HeadersInit,
        body: built.body,
        signal: upstreamCall.signal,
      });
  } catch (error) {
    if (plugin.respond && !(error instanceof UpstreamError)) return bug(error);
    return fail(failureFromThrown(error, "connect", channel.name, upstreamCall));
  }

  try {
    if (upstream.status >= 300 && upstream.status < 400) {
      return fail(failureFromRedirect(upstream, channel.name));
    }
    if (upstream.status >= 400) {
      return fail(await failureFromResponse(upstream, plugin, ctx, scrub));
    }
    const answer = await takeAnswer({
      channel,
      ctx,
      ingress: scope.ingress,
      call,
      model: input.model,
      upstream,
      upstreamCall,
      clientStream: scope.stream,
      maxBytes: scope.gateway.config.defaults.max_response_bytes,
      onStreamEnd: input.onStreamEnd,
    });
    return {
      ...answer,
      ok: true,
      headers: relayedHeaders(upstream.headers, channel.scrub),
      upstreamMs: deps.now() - started,
    };
  } catch (error) {
    if (error instanceof InternalError) return bug(error);
    return fail(failureFromThrown(error, "response", channel.name, upstreamCall));
  }
}

/**
 * The mode the upstream is asked for: the client's, unless the channel serves only the other one
 * (then the answer is converted back, which OpenAI chunk streams allow).
 */
function upstreamMode(channel: Channel, call: PreparedCall, clientStream: boolean): boolean {
  if (!ENDPOINTS[call.endpoint].openAIStream) return clientStream;
  return clientStream ? channel.config.stream : !channel.config.non_stream;
}

/** A hook's verdict on a request (e.g. "this channel cannot convert that"): 4xx go back. */
function hookVerdict(error: UpstreamError): FailureFields {
  return {
    ...fromUpstreamError(error),
    kind: "invalid",
    action: error.status >= 500 || error.status === 429 ? "next" : "return",
  };
}

/** The channel's keys and the client's gateway key, scrubbed from upstream text on failures. */
function secretsOf(channel: Channel, token: string | undefined): Scrubber {
  return token ? lazyScrubber(() => scrubberFor([...channel.keys.all, token])) : channel.scrub;
}
