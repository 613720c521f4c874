/**
 * What the gateway remembers about each request. Every request leaves exactly one record, refused
 * ones too (see `request_log.ts`); a {@link Recorder} takes it and must not block.
 */

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
  /** The gateway key's name; "-" when none authenticated. */
  key: string;
  /**
   * The client endpoint (`chat`, `messages`, ...), `proxy` for `/proxy` calls, else the route
   * (`models`, `health`, ...) or, for an unknown path, `METHOD /path`.
   */
  endpoint: string;
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
