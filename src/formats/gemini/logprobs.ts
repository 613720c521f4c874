/**
 * Log probabilities across the OpenAI ⇄ Gemini boundary. OpenAI's `logprobs: true` is Gemini's
 * `responseLogprobs: true` and `top_logprobs: n` its `logprobs: n`
 * (https://ai.google.dev/api/generate-content#generationconfig); Gemini answers with a
 * candidate's `logprobsResult` (the chosen token and the top candidates per decoding step),
 * which becomes OpenAI's `choices[].logprobs.content` (platform.openai.com/docs/api-reference/
 * chat/object, `ChatCompletionTokenLogprob`), the same per chunk in a stream.
 */
import type { ChatCompletionRequest } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import type { GenerationConfig, LogprobsResult } from "./schema.ts";

/** One token as OpenAI reports it. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

/** OpenAI's `choices[].logprobs`. */
export interface ChoiceLogprobs {
  content: TokenLogprob[];
  refusal: null;
}

const encoder = new TextEncoder();

/** The generationConfig fields for a request's logprobs settings. @throws {UpstreamError} 400 */
export function logprobsConfig(request: ChatCompletionRequest): Partial<GenerationConfig> {
  const top = request.top_logprobs ?? 0;
  if (top > 0 && request.logprobs !== true) {
    throw new UpstreamError(
      400,
      "top_logprobs: logprobs must be true when top_logprobs is set",
      "invalid_request_error",
    );
  }
  if (request.logprobs !== true) return {};
  return { responseLogprobs: true, ...(top > 0 ? { logprobs: top } : {}) };
}

/** A candidate's `logprobsResult` as OpenAI's `logprobs`; undefined without one. */
export function chatLogprobs(result: LogprobsResult | undefined): ChoiceLogprobs | undefined {
  const chosen = result?.chosenCandidates;
  if (!chosen) return undefined;
  return {
    content: chosen.map((candidate, step) => ({
      ...tokenOf(candidate),
      top_logprobs: (result?.topCandidates?.[step]?.candidates ?? []).map(tokenOf),
    })),
    refusal: null,
  };
}

function tokenOf(candidate: { token?: string; logProbability?: number }) {
  const token = candidate.token ?? "";
  return {
    token,
    logprob: candidate.logProbability ?? 0,
    bytes: [...encoder.encode(token)],
  };
}
