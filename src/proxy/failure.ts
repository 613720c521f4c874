/**
 * What went wrong with one attempt and what failover should do about it: from an upstream's
 * error response (its status, its body, the plugin's reading of it), a redirect, or a thrown
 * error (a deadline, a connection failure, a hook's verdict, an oversized body). Every message
 * derived from what the upstream wrote is scrubbed of keys before anyone sees it.
 */
import { ClientGoneError, UpstreamError, type UpstreamFailure } from "../errors.ts";
import { parseJsonBounded } from "../formats/json.ts";
import { type RequestContext, retryAfterSeconds } from "../plugin/contract.ts";
import type { AnyPlugin } from "../plugin/validate.ts";
import { relayedHeaders } from "./headers.ts";
import { readCappedText, TooLargeError } from "./read_capped.ts";
import type { Scrubber } from "./scrub.ts";
import type { UpstreamCall } from "./upstream_call.ts";

/** What to do after a failed attempt. */
export type FailoverAction = "retry" | "next" | "return";

export interface AttemptFailure {
  ok: false;
  /** The status the client would see for this failure. */
  status: number;
  message: string;
  type: string;
  code: string | number | null;
  /** The request field a refusal names (a plugin's verdict on the request). */
  param?: string;
  kind: "http" | "timeout" | "connection" | "stream" | "invalid";
  action: FailoverAction;
  retryAfter?: number;
  /** The upstream rejected the key itself (401/403). */
  keyRejected: boolean;
  key: string;
  /** For `return`: the upstream's own answer for the client, scrubbed. */
  passthrough?: { status: number; headers: Record<string, string>; body: string };
  upstreamMs: number;
}

/** What classifying a failure decides; the attempt adds key and timing. */
export type FailureFields = Omit<AttemptFailure, "ok" | "upstreamMs" | "key" | "keyRejected">;

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
  scrub: Scrubber,
): Promise<FailureFields> {
  const text = scrub(await readCappedText(upstream, 1024 * 1024).catch(() => ""));
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
    message: scrub(mapped?.message ?? (upstreamMessage || `Upstream answered ${upstream.status}`)),
    type: mapped?.type ??
      (typeof openAI?.error?.type === "string" ? openAI.error.type : "upstream_error"),
    code: mapped?.code ?? (typeof openAI?.error?.code === "string" ? openAI.error.code : null),
    kind: "http",
    action,
    retryAfter: mapped?.retryAfter ?? retryAfterSeconds(upstream.headers.get("retry-after")),
  };
  if (action === "return" && !mapped && openAI?.error !== undefined) {
    // Other 4xx go back to the client unchanged: the upstream said what is wrong.
    const headers = relayedHeaders(upstream.headers, scrub);
    headers["content-type"] = "application/json";
    failure.passthrough = { status: upstream.status, headers, body: text };
  }
  return failure;
}

/** A 3xx: redirects are never followed (a client would carry the key to wherever they point). */
export function failureFromRedirect(upstream: Response, channel: string): FailureFields {
  upstream.body?.cancel().catch(() => {});
  return {
    status: 502,
    message: `Upstream "${channel}" answered ${upstream.status}, a redirect; ` +
      "redirects are never followed: check the channel's base_url",
    type: "upstream_error",
    code: "upstream_redirect",
    kind: "invalid",
    action: "next",
  };
}

/**
 * What a thrown error means for failover. Hook errors other than {@link UpstreamError} never
 * reach here: they are gateway bugs, thrown on as such by the attempt.
 * @throws {ClientGoneError} when the client left: the attempt ends instead.
 */
export function failureFromThrown(
  error: unknown,
  phase: "connect" | "response",
  channel: string,
  call: UpstreamCall,
): FailureFields {
  if (call.expired) {
    return { ...fromUpstreamError(call.expired), kind: "timeout", action: "next" };
  }
  if (error instanceof ClientGoneError || call.clientGone) {
    throw new ClientGoneError("Client disconnected");
  }
  if (error instanceof TooLargeError) {
    return {
      status: 502,
      message: `Upstream "${channel}" response exceeded ${error.limit} bytes`,
      type: "upstream_error",
      code: "response_too_large",
      kind: "invalid",
      action: "return",
    };
  }
  if (error instanceof UpstreamError) {
    // The upstream's own words through a hook (a blocked prompt, an unconvertible answer):
    // 4xx go back to the client, 5xx and 429 move on.
    return { ...fromUpstreamError(error), kind: "invalid", action: classifyStatus(error.status) };
  }
  const reason = networkCause(error);
  return {
    status: 502,
    message: phase === "connect"
      ? `Could not reach "${channel}": ${reason}`
      : `Upstream "${channel}" failed: ${reason}`,
    type: "upstream_error",
    code: phase === "connect" ? "upstream_unreachable" : "upstream_error",
    kind: "connection",
    action: "next",
  };
}

/** The failure fields an {@link UpstreamError} carries. */
export function fromUpstreamError(error: UpstreamError) {
  return {
    status: error.status,
    message: error.message,
    type: error.type,
    code: error.details.code ?? null,
    param: error.details.param,
  };
}

const CAUSES: [RegExp, string][] = [
  [/connection refused/i, "connection refused"],
  [/connection reset/i, "connection reset by the upstream"],
  [/dns error|failed to lookup|name or service not known|no such host/i, "DNS lookup failed"],
  [/certificate|tls|ssl|handshake/i, "TLS handshake failed"],
  [/timed out/i, "connection timed out"],
  [/network is unreachable|no route to host/i, "network unreachable"],
];

/**
 * The cause of a network error in a few words. Deno's fetch says e.g. "error sending request for
 * url (…): client error (Connect): tcp connect error: Connection refused (os error 111)".
 */
export function networkCause(error: unknown): string {
  // Deno's fetch may say only "fetch failed", with the real error as its cause.
  let message = "";
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    message += ` ${e instanceof Error ? e.message : String(e)}`;
    e = e instanceof Error ? e.cause : undefined;
  }
  message = message.trim();
  const cause = CAUSES.find(([pattern]) => pattern.test(message));
  if (cause) return cause[1];
  return message.replace(/^fetch failed /, "")
    .replace(/error sending request for url \([^)]*\): /, "").slice(0, 300);
}

/** JSON from an upstream's text, or undefined when there is none or it is not (bounded) JSON. */
export function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return parseJsonBounded(text);
  } catch {
    return undefined;
  }
}
