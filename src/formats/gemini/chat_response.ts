/**
 * A Gemini `generateContent` answer → an OpenAI `chat.completion`, plus the pieces the stream
 * converter shares: finish reasons, usage, function calls and the blocked-prompt error.
 *
 * Reference: https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse and the
 * `FinishReason` / `BlockReason` enums there. Thought parts become `reasoning_content` and,
 * with signatures, `reasoning_details` (see `reasoning.ts`); `logprobsResult` becomes
 * `logprobs` (see `logprobs.ts`).
 */
import type { ChatCompletion, FinishReason, ReasoningDetail, Usage } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import {
  type Candidate,
  GenerateContentResponse,
  type Part,
  type UsageMetadata,
} from "./schema.ts";
import { chatLogprobs } from "./logprobs.ts";
import { createCursor, detailOfPart, type ReasoningCursor } from "./reasoning.ts";
import { encodeToolCallId, signatureExtra } from "./tool_calls.ts";

/** Finish reasons that mean Gemini withheld or stopped output for policy reasons. */
const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

export interface ResponseOptions {
  /** The model name to report (the channel's upstream name). */
  model: string;
  /** Makes a tool call id for calls Gemini sent without one (see `callIdMaker`). */
  nextCallId: () => string;
  /** Fallback completion id when Gemini sends no `responseId`. */
  id?: string;
  created?: number;
}

type ToolCall = {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  extra_content?: { google: { thought_signature: string } };
};

/** Gemini's finish reason in OpenAI's terms; `hasToolCalls` turns a plain stop into tool_calls. */
export function finishReasonOf(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (reason && FILTERED.has(reason)) return "content_filter";
  return hasToolCalls ? "tool_calls" : "stop";
}

/** True for finish reasons that mean content was filtered. */
export function isFilteredReason(reason: string | undefined): boolean {
  return reason !== undefined && FILTERED.has(reason);
}

/**
 * Gemini usage → OpenAI usage. Thinking tokens are billed as output, so they count as
 * completion tokens and are also reported as `reasoning_tokens`.
 */
export function usageOf(metadata: UsageMetadata | undefined): Usage | undefined {
  if (!metadata || metadata.promptTokenCount === undefined) return undefined;
  const prompt = metadata.promptTokenCount + (metadata.toolUsePromptTokenCount ?? 0);
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  const completion = (metadata.candidatesTokenCount ?? 0) + thoughts;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: metadata.totalTokenCount ?? prompt + completion,
  };
  if (metadata.cachedContentTokenCount !== undefined) {
    usage.prompt_tokens_details = { cached_tokens: metadata.cachedContentTokenCount };
  }
  if (metadata.thoughtsTokenCount !== undefined) {
    usage.completion_tokens_details = { reasoning_tokens: thoughts };
  }
  return usage;
}

/** The error for a prompt Gemini refused outright (`promptFeedback.blockReason`, no candidates). */
export function blockedPromptError(response: GenerateContentResponse): UpstreamError | undefined {
  const reason = response.promptFeedback?.blockReason;
  if (!reason || (response.candidates?.length ?? 0) > 0) return undefined;
  const detail = response.promptFeedback?.blockReasonMessage;
  return new UpstreamError(
    400,
    `Gemini blocked the prompt (blockReason ${reason})${detail ? `: ${detail}` : ""}`,
    "content_filter",
  );
}

/** What a candidate's parts say, in OpenAI's terms. */
export interface PartsContent {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  details: ReasoningDetail[];
}

/**
 * Reads parts: visible text, thought text, function calls (with made-up ids where Gemini gave
 * none) and reasoning details numbered by `cursor` (a stream passes the same one each event).
 */
export function readParts(
  parts: readonly Part[] | undefined,
  nextCallId: () => string,
  cursor: ReasoningCursor = createCursor(),
): PartsContent {
  const read: PartsContent = { text: "", reasoning: "", toolCalls: [], details: [] };
  for (const part of parts ?? []) {
    let callId: string | undefined;
    if (part.functionCall) {
      const { id, name, args } = part.functionCall;
      callId = encodeToolCallId(id ?? nextCallId(), part.thoughtSignature);
      read.toolCalls.push({
        id: callId,
        type: "function",
        function: { name, arguments: JSON.stringify(args ?? {}) },
        ...signatureExtra(part.thoughtSignature),
      });
    } else if (part.text !== undefined) {
      if (part.thought) read.reasoning += part.text;
      else read.text += part.text;
    }
    const detail = detailOfPart(part, cursor, callId);
    if (detail) read.details.push(detail);
  }
  return read;
}

/** Validates an upstream body as a Gemini response, or throws a 502 naming the bad field. */
export function parseResponse(body: unknown): GenerateContentResponse {
  const parsed = GenerateContentResponse.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UpstreamError(
    502,
    `Gemini sent an unexpected response: ${issue.path.join(".") || "body"}: ${issue.message}`,
  );
}

/**
 * Converts a `generateContent` answer. Throws {@link UpstreamError}: 400 `content_filter` when the
 * prompt was blocked, 502 when the body is not a Gemini response.
 */
export function geminiToChat(body: unknown, options: ResponseOptions): ChatCompletion {
  const response = parseResponse(body);
  const blocked = blockedPromptError(response);
  if (blocked) throw blocked;
  const candidates = response.candidates ?? [];
  if (candidates.length === 0) throw new UpstreamError(502, "Gemini returned no candidates");

  const completion: ChatCompletion = {
    id: `chatcmpl-${response.responseId ?? options.id ?? crypto.randomUUID()}`,
    object: "chat.completion",
    created: options.created ?? Math.floor(Date.now() / 1000),
    model: options.model,
    choices: candidates.map((candidate, i) => choiceOf(candidate, i, options.nextCallId)),
  };
  const usage = usageOf(response.usageMetadata);
  if (usage) completion.usage = usage;
  return completion;
}

function choiceOf(candidate: Candidate, i: number, nextCallId: () => string) {
  const { text, reasoning, toolCalls, details } = readParts(candidate.content?.parts, nextCallId);
  return {
    index: candidate.index ?? i,
    message: {
      role: "assistant" as const,
      content: text === "" && (toolCalls.length > 0 || isFilteredReason(candidate.finishReason))
        ? null
        : text,
      refusal: null,
      ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
      ...(details.length > 0 ? { reasoning_details: details } : {}),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    finish_reason: finishReasonOf(candidate.finishReason, toolCalls.length > 0),
    logprobs: chatLogprobs(candidate.logprobsResult) ?? null,
  };
}
