/**
 * Errors the gateway itself raises, and how they look on the wire. A {@link GatewayError} carries
 * status and OpenAI error fields; routes throw it and the app's error handler renders it in the
 * caller's API dialect.
 */
import type { ErrorBody } from "../formats/openai.ts";

export interface ErrorFields {
  type?: string;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
  /** Extra fields for the error object, e.g. the attempt list of a 502. */
  details?: Record<string, unknown>;
}

const DEFAULT_TYPE: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "invalid_request_error",
  413: "invalid_request_error",
  429: "rate_limit_error",
  502: "upstream_error",
  503: "upstream_error",
  504: "timeout_error",
};

/** An error with an HTTP status and an OpenAI-style type/code/param. */
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

  /** The OpenAI error body: `{"error":{"message","type","code","param"}}`. */
  toOpenAI(): ErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        param: this.param,
        ...this.details,
      },
    };
  }
}

/** An OpenAI-shaped error response. */
export function openAIErrorResponse(error: GatewayError, headers: Record<string, string> = {}) {
  return Response.json(error.toOpenAI(), {
    status: error.status,
    headers: { ...error.headers, ...headers },
  });
}
