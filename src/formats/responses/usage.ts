/**
 * Token usage in both shapes. Responses reports `{input_tokens, output_tokens, total_tokens,
 * input_tokens_details.cached_tokens, output_tokens_details.reasoning_tokens}`; chat reports
 * `{prompt_tokens, completion_tokens, ...}` with the same meanings (cached tokens are part of the
 * input, reasoning tokens part of the output), so the mapping is one to one.
 *
 * Source: `ResponseUsage` in openai-node `src/resources/responses/responses.ts` and the usage
 * object of platform.openai.com/docs/api-reference/responses/object.
 */
import type { Usage } from "../openai.ts";

/** The `usage` of a Response object. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Chat usage → Responses usage; zeros when the upstream reported none. */
export function responseUsage(usage: Partial<Usage> | null | undefined): ResponseUsage {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: {
      reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    },
    total_tokens: usage?.total_tokens ?? input + output,
  };
}

/**
 * The usage of a native Responses answer in chat's shape, for the gateway's records: from a
 * Response object (`{usage}`) or from a stream event that carries one (`response.completed`,
 * `response.incomplete`, `response.failed`). Undefined when there is none.
 *
 * @example
 * ```ts
 * chatUsageOf({ type: "response.completed", response: { usage: { input_tokens: 9, output_tokens: 2 } } });
 * // → { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }
 * ```
 */
export function chatUsageOf(answer: unknown): Usage | undefined {
  if (!isObject(answer)) return undefined;
  const holder = isObject(answer.response) ? answer.response : answer;
  const usage = holder.usage;
  if (!isObject(usage) || typeof usage.input_tokens !== "number") return undefined;
  const output = typeof usage.output_tokens === "number" ? usage.output_tokens : 0;
  const out: Usage = {
    prompt_tokens: usage.input_tokens,
    completion_tokens: output,
    total_tokens: typeof usage.total_tokens === "number"
      ? usage.total_tokens
      : usage.input_tokens + output,
  };
  const cached = (usage.input_tokens_details as { cached_tokens?: unknown } | undefined)
    ?.cached_tokens;
  if (typeof cached === "number") out.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = (usage.output_tokens_details as { reasoning_tokens?: unknown } | undefined)
    ?.reasoning_tokens;
  if (typeof reasoning === "number") {
    out.completion_tokens_details = { reasoning_tokens: reasoning };
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
