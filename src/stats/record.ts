/**
 * What the gateway remembers about each request. Every request leaves exactly one record, refused
 * ones too (see `request_log.ts`); a {@link Recorder} takes it and must not block.
 */
/** A request's and its answer's text, kept only when `log.bodies` is on (`src/usage/bodies.ts`). */
export interface KeptBodies {
  /** The text the model was given (messages, system prompt, input), joined by newlines. */
  prompt: string;
  /** The text it answered (content, reasoning, tool arguments). */
  answer: string;
  /** Either side was cut short. */
  truncated?: boolean;
}

export interface TokenUsage {
  prompt: number;
  completion: number;
  /** Prompt tokens served from the provider's cache (part of `prompt`). */
  cached?: number;
  /** Completion tokens spent reasoning (part of `completion`). */
  reasoning?: number;
  /**
   * Some figures are the gateway's estimate, not the upstream's report: a stream cut before its
   * usage arrived is counted from what was relayed (see `src/usage/estimate.ts`).
   */
  estimated?: boolean;
}

/**
 * One WebSocket session, recorded when it ends. "Up" is client → upstream, "down" upstream →
 * client; frames are whole messages as relayed (control frames are not counted).
 */
export interface WebSocketStats {
  framesUp: number;
  framesDown: number;
  bytesUp: number;
  bytesDown: number;
  /** The close code the client was sent or sent itself (1006: the connection just dropped). */
  closeCode: number;
  /** Who ended the session: a peer, or the gateway (a limit, a slow peer, shutdown). */
  closedBy: "client" | "upstream" | "gateway";
  /** Upgrade to close, in ms. */
  durationMs: number;
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
  /** The model name the serving channel was sent (after its `model_map`). */
  upstreamModel?: string;
  /** Status sent to the client; 499 when the client went away first. */
  status: number;
  attempts: number;
  stream: boolean;
  protocol: "http" | "websocket";
  /** What a WebSocket session carried (`protocol: "websocket"`, status 101 only). */
  websocket?: WebSocketStats;
  usage?: TokenUsage;
  /** What the usage cost, in USD, from the channel's price table (absent when unpriced). */
  costUsd?: number;
  bodies?: KeptBodies;
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
