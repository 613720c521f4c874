/**
 * An OpenAI chat completion → a Gemini `GenerateContentResponse`, for a Gemini client served by a
 * channel that speaks chat. The reverse of `chat_response.ts`; the stream converter
 * (`chat_stream_to_generate.ts`) shares its pieces.
 *
 * - Each choice becomes a candidate of role `model`; tool calls become `functionCall` parts
 *   (arguments parsed back into the struct Gemini sends), with the chat call id as the call's
 *   `id` so the client's `functionResponse` can name it.
 * - Reasoning: `reasoning_details` of format `google-gemini-v1` give thought parts and their
 *   signatures back (a signature with no thought to carry it rides on the next part, as Gemini
 *   sends it); thought text is sent only when the client asked for it (`includeThoughts`).
 *   Details of other families mean nothing to Gemini and are dropped.
 * - Finish reasons: `length` → MAX_TOKENS, `content_filter` → SAFETY, the rest → STOP (Gemini
 *   ends a function call turn with STOP too); usage → `usageMetadata`, reasoning tokens as
 *   `thoughtsTokenCount` (which Gemini counts apart from `candidatesTokenCount`).
 *
 * Reference: https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse,
 * https://ai.google.dev/api/generate-content#FinishReason and
 * https://ai.google.dev/gemini-api/docs/thought-signatures.
 */
import { UpstreamError } from "../../errors.ts";
import type { Usage } from "../openai.ts";
import { replayReasoning } from "./reasoning.ts";
import type { GenerateContentResponse, Part, UsageMetadata } from "./schema.ts";
import { decodeToolCallId, signatureFromExtra } from "./tool_calls.ts";

export interface GenerateResponseOptions {
  /** Reported as `modelVersion`. */
  model: string;
  /** The client asked for thought text (`thinkingConfig.includeThoughts`). */
  includeThoughts: boolean;
}

/** The parts of an assistant message or delta, as far as this module reads them. */
export interface ChatTurn {
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning_details?: unknown;
  tool_calls?: readonly ChatToolCall[];
  [key: string]: unknown;
}

export interface ChatToolCall {
  id?: string;
  function?: { name?: string; arguments?: string };
  [key: string]: unknown;
}

interface ChatChoice {
  index?: number;
  message?: ChatTurn | null;
  finish_reason?: string | null;
}

const FINISH: Record<string, string> = {
  stop: "STOP",
  length: "MAX_TOKENS",
  tool_calls: "STOP",
  function_call: "STOP",
  content_filter: "SAFETY",
};

/**
 * Converts a chat completion (checked by the caller to have `choices`).
 * @throws {UpstreamError} 502 for tool call arguments that are not JSON.
 *
 * @example
 * ```ts
 * chatToGenerate({ id: "chatcmpl-1", choices: [{ index: 0, finish_reason: "stop",
 *   message: { role: "assistant", content: "Hi" } }] }, { model: "gpt-4o", includeThoughts: false });
 * // → { candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] }, finishReason: "STOP",
 * //     index: 0 }], modelVersion: "gpt-4o", responseId: "chatcmpl-1" }
 * ```
 */
export function chatToGenerate(
  completion: { id?: unknown; choices: readonly ChatChoice[]; usage?: Usage | null },
  options: GenerateResponseOptions,
): GenerateContentResponse {
  const response: GenerateContentResponse = {
    candidates: completion.choices.map((choice, i) => {
      const parts = partsOf(choice.message ?? {}, options.includeThoughts);
      return {
        content: { role: "model", parts: parts.length > 0 ? parts : [{ text: "" }] },
        finishReason: finishReasonOf(choice.finish_reason),
        index: choice.index ?? i,
      };
    }),
  };
  const usage = usageMetadataOf(completion.usage);
  if (usage) response.usageMetadata = usage;
  response.modelVersion = options.model;
  if (typeof completion.id === "string") response.responseId = completion.id;
  return response;
}

/** Chat's finish reason as Gemini's; an unknown or missing one is OTHER. */
export function finishReasonOf(reason: string | null | undefined): string {
  return (reason && FINISH[reason]) || "OTHER";
}

/** OpenAI usage → Gemini `usageMetadata`. */
export function usageMetadataOf(usage: Usage | null | undefined): UsageMetadata | undefined {
  if (!usage || typeof usage.prompt_tokens !== "number") return undefined;
  const thoughts = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  const completion = usage.completion_tokens ?? 0;
  const metadata: UsageMetadata = {
    promptTokenCount: usage.prompt_tokens,
    candidatesTokenCount: Math.max(0, completion - thoughts),
    totalTokenCount: usage.total_tokens ?? usage.prompt_tokens + completion,
  };
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached) metadata.cachedContentTokenCount = cached;
  return metadata;
}

/**
 * Gemini parts for a message or a delta, in Gemini's order: thoughts, text, function calls, each
 * signature where `replayReasoning` (shared with the plugin side) says it was. Tool calls must
 * be whole (the stream converter gathers their fragments first).
 */
export function partsOf(turn: ChatTurn, includeThoughts: boolean): Part[] {
  const replay = replayReasoning(turn.reasoning_details);
  const parts: Part[] = [];
  // A signed thought the client did not ask to see still owes its signature: on the next part.
  let signature: string | undefined;
  if (includeThoughts) {
    parts.push(...replay.thoughts.filter((t) => t.text !== "" || t.thoughtSignature));
    if (replay.thoughts.length === 0 && turn.reasoning_content) {
      parts.push({ text: turn.reasoning_content, thought: true });
    }
  } else signature = replay.thoughts.findLast((t) => t.thoughtSignature)?.thoughtSignature;
  signature = replay.textSignature ?? signature;
  const take = () => {
    const taken = signature;
    signature = undefined;
    return taken ? { thoughtSignature: taken } : {};
  };
  const text = turn.content || turn.refusal;
  if (text) parts.push({ text, ...take() });
  for (const call of turn.tool_calls ?? []) {
    const part = functionCallPart(call, call.id ? replay.callSignatures.get(call.id) : undefined);
    parts.push(part.thoughtSignature ? part : { ...part, ...take() });
  }
  if (signature) parts.push({ text: "", ...take() });
  return parts;
}

function functionCallPart(call: ChatToolCall, detailSignature: string | undefined): Part {
  const { id, signature } = decodeToolCallId(call.id ?? "");
  const name = call.function?.name ?? "";
  const raw = call.function?.arguments ?? "";
  let args: unknown = {};
  if (raw.trim() !== "") {
    try {
      args = JSON.parse(raw);
    } catch {
      throw new UpstreamError(502, `Upstream sent arguments for "${name}" that are not JSON`);
    }
  }
  const thoughtSignature = detailSignature ?? signatureFromExtra(call) ?? signature;
  return {
    functionCall: {
      ...(id ? { id } : {}),
      name,
      args: typeof args === "object" && args !== null && !Array.isArray(args)
        ? args as Record<string, unknown>
        : { value: args },
    },
    ...(thoughtSignature ? { thoughtSignature } : {}),
  };
}
