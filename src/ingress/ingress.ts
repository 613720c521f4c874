/**
 * An ingress is an API dialect clients speak to Sluice (OpenAI's, Anthropic's...). The relay
 * asks it, per candidate channel, how to call that channel — natively when the channel speaks
 * the client's API, else converted to an endpoint it does — and how to turn the answer, whole or
 * streamed, back into the client's dialect. Conversion is per candidate because failover may
 * cross channel kinds. Each dialect lives in its own folder here with its routes and its error
 * rendering; this file is what they share.
 */
import type { Endpoint } from "../endpoints.ts";
import type { GatewayError, UpstreamError } from "../errors.ts";
import type { Channel } from "../routing/channel.ts";
import type { SseEvent } from "../sse/event.ts";

/** How one channel is called for this request. */
export interface PreparedCall {
  /** The endpoint as sent upstream. */
  endpoint: Endpoint;
  body: Record<string, unknown>;
  /** The client's bytes of `body`, when `body` is the client's own. */
  rawBody?: string;
  /** Converted from the client's dialect: answers must be converted back. */
  converted: boolean;
  /** The client asked for OpenAI's usage chunk; else the one the gateway asked for is dropped. */
  clientWantsUsage: boolean;
}

/** Converts a stream's events, one at a time, into the client's dialect. */
export interface StreamConverter {
  /** @throws {UpstreamError} for an event that cannot be converted. */
  convert(event: SseEvent): SseEvent[];
  /** The events that close the client's stream. @throws {UpstreamError} when it was cut. */
  end(): SseEvent[];
}

export interface Ingress {
  /** The client's endpoint, for routing and records. */
  readonly endpoint: Endpoint;
  /**
   * The only channel that may serve the request, when it continues a conversation that channel
   * stores (a Responses `previous_response_id`); routing refuses the request when it is gone.
   */
  readonly pinnedChannel?: string;
  /** The prompt's size in tokens, estimated, for context-window routing. */
  estimatePromptTokens(): number;
  /**
   * How `channel` is called for this request.
   * @throws {GatewayError} 4xx when this channel cannot take the request in any form.
   */
  prepare(channel: Channel): PreparedCall;
  /**
   * A converted call's whole answer (the upstream endpoint's JSON, parsed) in the client's
   * dialect. Runs before any status is sent, so a failure fails over.
   * @throws {UpstreamError} when the answer is not what the endpoint promises.
   */
  finish(answer: unknown, call: PreparedCall, model: string): unknown | Promise<unknown>;
  /** A converted call's stream converter; undefined when events pass as they are. */
  streamConverter(call: PreparedCall, model: string): StreamConverter | undefined;
  /** The last event of a stream that failed after it started, in the client's dialect. */
  errorEvent(error: UpstreamError | GatewayError): SseEvent;
}
