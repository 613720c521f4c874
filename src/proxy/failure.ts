/**
 * What went wrong with one attempt and what failover should do about it: from an upstream's
 * error response (its status, its body, the plugin's reading of it) or from a thrown error
 * (timeout, connection failure, a hook's verdict, an oversized body).
 */
import type { AnyPlugin } from "../plugin/validate.ts";
import {
  type RequestContext,
  retryAfterSeconds,
  UpstreamError,
  type UpstreamFailure,
} from "../plugin/contract.ts";
import { relayedHeaders } from "./headers.ts";
import { readCappedText, TooLargeError } from "./read_capped.ts";

/** What to do after a failed attempt. */
export type FailoverAction = "retry" | "next" | "return";

export interface AttemptFailure {
  ok: false;
  /** The status the client would see for this failure. */
  status: number;
  message: string;
  type: string;
  code: string | number | null;
  kind: "http" | "timeout" | "connection" | "stream" | "invalid";
  action: FailoverAction;
  retryAfter?: number;
  /** The upstream rejected the key itself (401/403). */
  keyRejected: boolean;
  key: string;
  /** For `return`: the upstream's answer to pass to the client unchanged. */
  passthrough?: Response;
  upstreamMs: number;
}

/** What classifying a failure decides; the attempt adds key and timing. */
export type FailureFields = Omit<AttemptFailure, "ok" | "upstreamMs" | "key" | "keyRejected">;

/** Thrown when the client disconnected: there is nobody left to answer. */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

/** Which failures move on: 5xx retry here first; auth, rate and timeouts go elsewhere at once. */
export function classifyStatus(status: number): FailoverAction {
  if (status >= 500) return "retry";
  if (status === 401 || status === 403 || status === 408 || status === 429) return "next";
  return "return";
}

/** Reads an upstream error response (status ≥ 400), through the plugin's `transformError`. */
export async function failureFromResponse(
  upstream: Response,
  plugin: AnyPlugin,
  ctx: RequestContext<unknown>,
): Promise<FailureFields> {
  const text = await readCappedText(upstream, 1024 * 1024).catch(() => "");
  const json = parseJson(text);
  const mapped: UpstreamFailure | undefined = plugin.transformError?.(upstream.status, json, ctx);
  const status = mapped?.status ?? upstream.status;
  const openAI = json as { error?: { message?: unknown; type?: unknown; code?: unknown } };
  const upstreamMessage = typeof openAI?.error?.message === "string"
    ? openAI.error.message
    : text.slice(0, 300).trim();
  const action = classifyStatus(status);
  const failure: FailureFields = {
    status,
    message: mapped?.message ?? (upstreamMessage || `Upstream answered ${upstream.status}`),
    type: mapped?.type ??
      (typeof openAI?.error?.type === "string" ? openAI.error.type : "upstream_error"),
    code: mapped?.code ?? (typeof openAI?.error?.code === "string" ? openAI.error.code : null),
    kind: "http",
    action,
    retryAfter: mapped?.retryAfter ?? retryAfterSeconds(upstream.headers.get("retry-after")),
  };
  if (action === "return" && !mapped && openAI?.error !== undefined) {
    // Other 4xx go back to the client unchanged: the upstream said what is wrong.
    const headers = relayedHeaders(upstream.headers);
    headers.set("content-type", "application/json");
    failure.passthrough = new Response(text, { status: upstream.status, headers });
  }
  return failure;
}

export interface ThrownContext {
  channel: string;
  /** The attempt's combined signal, whose reason tells a timeout apart. */
  signal: AbortSignal;
  clientSignal: AbortSignal;
  /** The first-byte budget, named in timeout messages. */
  firstByteMs: number;
}

/**
 * What a thrown error means for failover.
 * @throws {ClientGoneError} when the client left: the attempt ends instead.
 */
export function failureFromThrown(
  error: unknown,
  phase: "connect" | "response",
  at: ThrownContext,
): FailureFields {
  if (error instanceof ClientGoneError || at.clientSignal.aborted) {
    throw new ClientGoneError("Client disconnected");
  }
  if (error instanceof TooLargeError) {
    return {
      status: 502,
      message: `Upstream "${at.channel}" response exceeded ${error.limit} bytes`,
      type: "upstream_error",
      code: "response_too_large",
      kind: "invalid",
      action: "return",
    };
  }
  if (isTimeout(error, at.signal)) {
    // Failures reach here only before the first byte, so the first-byte budget is what ran out.
    return {
      status: 504,
      message: `Upstream "${at.channel}" timed out after ${seconds(at.firstByteMs)}`,
      type: "timeout_error",
      code: "upstream_timeout",
      kind: "timeout",
      action: "next",
    };
  }
  if (error instanceof UpstreamError) {
    // A hook's verdict on the exchange: 4xx (a blocked prompt, an unconvertible request) go
    // back to the client, 5xx and 429 move on.
    return { ...fromUpstreamError(error), kind: "invalid", action: classifyStatus(error.status) };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return {
    status: 502,
    message: phase === "connect"
      ? `Could not reach "${at.channel}": ${reason}`
      : `Upstream "${at.channel}" failed: ${reason}`,
    type: "upstream_error",
    code: phase === "connect" ? "upstream_unreachable" : "upstream_error",
    kind: "connection",
    action: "next",
  };
}

/** The failure fields an {@link UpstreamError} carries. */
export function fromUpstreamError(error: UpstreamError) {
  return { status: error.status, message: error.message, type: error.type, code: null };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Math.round(ms / 100) / 10}s`;
}

function isTimeout(error: unknown, signal: AbortSignal): boolean {
  return (error as Error)?.name === "TimeoutError" ||
    (signal.aborted && (signal.reason as Error)?.name === "TimeoutError");
}

/** JSON from text, or undefined when there is none or it is not JSON. */
export function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
