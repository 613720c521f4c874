/**
 * What the gateway remembers about each request. Produced by the proxy when a request ends
 * (for streams: when the stream ends) and handed to a {@link Recorder}, which must not block.
 */
import type { Endpoint } from "../plugin/contract.ts";

export interface TokenUsage {
  prompt: number;
  completion: number;
  /** Prompt tokens served from the provider's cache. */
  cached?: number;
}

export interface RequestRecord {
  /** Epoch ms when the request arrived. */
  time: number;
  requestId: string;
  key: string;
  endpoint: Endpoint | "proxy";
  channel?: string;
  /** The model after aliases. */
  model?: string;
  /** Status sent to the client; 499 when the client went away first. */
  status: number;
  attempts: number;
  stream: boolean;
  protocol: "http" | "websocket";
  usage?: TokenUsage;
  /** Arrival to last byte. */
  latencyMs: number;
  /** Arrival to first byte of the response body. */
  ttfbMs?: number;
  /** Time spent waiting on upstreams, so overhead = latency - upstream. */
  upstreamMs?: number;
  error?: string;
}

/** Takes finished requests; implementations batch and never make the caller wait. */
export interface Recorder {
  record(record: RequestRecord): void;
}
