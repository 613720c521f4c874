/**
 * `streamGenerateContent?alt=sse` → OpenAI `chat.completion.chunk` events.
 *
 * Each Gemini event is a whole `GenerateContentResponse` holding only the new parts. Text parts
 * become content deltas; a function call always arrives complete in one event, so it becomes one
 * complete tool call chunk. Gemini's stream has no terminator: it just ends after the event that
 * carries `finishReason`, so a stream that ends without one was cut off. Usage comes with the
 * events (the last one is final) and is sent as OpenAI's `choices: []` chunk at the end.
 * Thought parts become `reasoning_content` deltas with `reasoning_details` fragments numbered
 * across the whole stream (see `reasoning.ts`), and `logprobsResult` the chunk's `logprobs`.
 */
import type { ChatCompletionChunk, FinishReason, Usage } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import {
  blockedPromptError,
  finishReasonOf,
  parseResponse,
  readParts,
  usageOf,
} from "./chat_response.ts";
import { errorStatus } from "./errors.ts";
import { chatLogprobs } from "./logprobs.ts";
import { createCursor, type ReasoningCursor } from "./reasoning.ts";
import { ErrorBody } from "./schema.ts";
import { callIdMaker } from "./tool_calls.ts";

/** Per-stream state; create one with {@link createStreamState}. */
export interface GeminiStreamState {
  id: string;
  created: number;
  model: string;
  nextCallId: () => string;
  /** Candidates that already got their role chunk. */
  started: Set<number>;
  /** Tool calls sent so far, per candidate: the next tool call `index`. */
  toolCalls: Map<number, number>;
  /** Candidates that sent a finish reason. */
  finished: Set<number>;
  /** Reasoning detail numbering per candidate. */
  reasoning: Map<number, ReasoningCursor>;
  usage?: Usage;
}

export interface StreamStateOptions {
  model: string;
  /** Seeds the completion id and the tool call ids (the gateway's request id). */
  requestId: string;
  created?: number;
}

export function createStreamState(options: StreamStateOptions): GeminiStreamState {
  return {
    id: `chatcmpl-${options.requestId}`,
    created: options.created ?? Math.floor(Date.now() / 1000),
    model: options.model,
    nextCallId: callIdMaker(options.requestId),
    started: new Set(),
    toolCalls: new Map(),
    finished: new Set(),
    reasoning: new Map(),
  };
}

type Delta = ChatCompletionChunk["choices"][number]["delta"];

/**
 * Converts one Gemini event's `data` into OpenAI chunks. Throws {@link UpstreamError} for an
 * error object, a blocked prompt, or data that is not a Gemini response. A candidate stopped for
 * safety mid-stream ends with `finish_reason: "content_filter"`, as the same stop does in a
 * non-stream answer and as OpenAI's own content filter ends a stream.
 */
export function geminiChunkToChat(data: string, state: GeminiStreamState): ChatCompletionChunk[] {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new UpstreamError(
      502,
      `Gemini sent a stream event that is not JSON: ${data.slice(0, 80)}`,
    );
  }
  const error = ErrorBody.safeParse(json);
  if (error.success) {
    const { code, message, status } = error.data.error;
    throw new UpstreamError(errorStatus(code, status), `Gemini stream error: ${message}`);
  }
  const response = parseResponse(json);
  const blocked = blockedPromptError(response);
  if (blocked) throw blocked;
  const usage = usageOf(response.usageMetadata);
  if (usage) state.usage = usage;

  const chunks: ChatCompletionChunk[] = [];
  const chunk = (
    index: number,
    delta: Delta,
    finish: FinishReason | null = null,
    logprobs: unknown = null,
  ) =>
    chunks.push({
      id: state.id,
      object: "chat.completion.chunk",
      created: state.created,
      model: state.model,
      choices: [{ index, delta, finish_reason: finish, logprobs }],
    });

  for (const [i, candidate] of (response.candidates ?? []).entries()) {
    const index = candidate.index ?? i;
    if (!state.started.has(index)) {
      state.started.add(index);
      chunk(index, { role: "assistant", content: "" });
    }
    let cursor = state.reasoning.get(index);
    if (!cursor) state.reasoning.set(index, cursor = createCursor());
    const read = readParts(candidate.content?.parts, state.nextCallId, cursor);
    const { text, reasoning, details, toolCalls: calls } = read;
    if (reasoning !== "" || details.length > 0) {
      chunk(index, {
        ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
        ...(details.length > 0 ? { reasoning_details: details } : {}),
      });
    }
    const logprobs = chatLogprobs(candidate.logprobsResult);
    if (text !== "" || logprobs) chunk(index, { content: text }, null, logprobs ?? null);
    if (calls.length > 0) {
      let next = state.toolCalls.get(index) ?? 0;
      chunk(index, { tool_calls: calls.map((call) => ({ index: next++, ...call })) });
      state.toolCalls.set(index, next);
    }
    if (candidate.finishReason && !state.finished.has(index)) {
      state.finished.add(index);
      const reason = finishReasonOf(candidate.finishReason, state.toolCalls.has(index));
      chunk(index, {}, reason);
    }
  }
  return chunks;
}

/**
 * The chunks after Gemini's stream ended: the usage chunk. Throws {@link UpstreamError} when no
 * candidate finished, i.e. the stream was cut off.
 */
export function endGeminiStream(state: GeminiStreamState): ChatCompletionChunk[] {
  if (state.finished.size === 0 || state.finished.size < state.started.size) {
    throw new UpstreamError(502, "Gemini stream ended before a finish reason (truncated)");
  }
  if (!state.usage) return [];
  return [{
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [],
    usage: state.usage,
  }];
}
