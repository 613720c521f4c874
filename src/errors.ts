/**
 * Every error the gateway raises, in one module that anything may import. Errors carry a status
 * and OpenAI-style fields but no wire shape: each client format renders them its own way (its
 * sub-app's `onError`), so the same error reads right to an OpenAI, Anthropic or Gemini client.
 */

export interface ErrorFields {
  type?: string;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
  /** Extra fields for the error object, e.g. the attempt list of a 502. */
  details?: Record<string, unknown>;
}

const DEFAULT_TYPE: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "invalid_request_error",
  405: "invalid_request_error",
  413: "invalid_request_error",
  429: "rate_limit_error",
  500: "server_error",
  502: "upstream_error",
  503: "upstream_error",
  504: "timeout_error",
};

/** An error with an HTTP status and OpenAI-style type, code and param, for the client. */
export class GatewayError extends Error {
  override name = "GatewayError";
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly details: Record<string, unknown>;

  constructor(readonly status: number, message: string, fields: ErrorFields = {}) {
    super(message);
    this.type = fields.type ?? DEFAULT_TYPE[status] ??
      (status >= 500 ? "server_error" : "invalid_request_error");
    this.code = fields.code ?? null;
    this.param = fields.param ?? null;
    this.headers = fields.headers ?? {};
    this.details = fields.details ?? {};
  }
}

/**
 * The error a plugin (or a format converter) throws for a failure the upstream reported in its
 * own words: a blocked prompt, an error event inside a 200 stream, a body that is not what the
 * API promises. Before the first byte reached the client this fails over like an HTTP error with
 * `status` (4xx go back to the client, 5xx and 429 move on); after it, the client's stream ends
 * with an error event.
 */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(
    readonly status: number,
    message: string,
    readonly type = "upstream_error",
    /** For a refusal the client can act on: the error code and the request field to blame. */
    readonly details: { code?: string; param?: string } = {},
  ) {
    super(message);
  }
}

/** The client disconnected: there is nobody left to answer. */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

/**
 * A bug in the gateway or a plugin (a `TypeError` in a hook, say): never the upstream's fault,
 * so it never counts against a channel. The client gets a 500 naming the request id; the log
 * gets the stack.
 */
export class InternalError extends GatewayError {
  override name = "InternalError";
  constructor(readonly requestId: string, override readonly cause: unknown) {
    super(500, `Internal gateway error; quote request id ${requestId} when reporting it`, {
      type: "server_error",
      code: "internal_error",
    });
  }
}

/** What a plugin's `transformError` returns: an error and the status the client should see. */
export interface UpstreamFailure {
  status: number;
  message: string;
  type?: string;
  code?: string | number | null;
  /** Seconds to wait before trying this channel again, when the upstream said so. */
  retryAfter?: number;
}
