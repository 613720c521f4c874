/**
 * An OpenAI chat chunk stream → `streamGenerateContent` events, one chunk at a time, for a Gemini
 * client served by a channel that speaks chat. The reverse of `stream.ts`.
 *
 * Each event is a whole `GenerateContentResponse` holding only the new parts, as Gemini streams
 * them. Text and thought deltas go out as they come. Tool call fragments are gathered, since
 * Gemini sends a function call whole, and go out with the choice's finish reason. That last event
 * is held until OpenAI's usage chunk (which follows the finish reason) so it can carry
 * `usageMetadata`, as Gemini's last event does; `[DONE]` ends nothing here (the pipeline checks
 * that the stream finished), and `end()` sends whatever is still held.
 *
 * Reference: https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent.
 */
import { UpstreamError } from "../../errors.ts";
import type { SseEvent } from "../../sse/event.ts";
import type { Usage } from "../openai.ts";
import {
  type ChatToolCall,
  type ChatTurn,
  finishReasonOf,
  partsOf,
  usageMetadataOf,
} from "./chat_to_generate.ts";
import type { Candidate, GenerateContentResponse } from "./schema.ts";

/** Per-stream state; create one with {@link createChatStreamState}. */
export interface ChatStreamState {
  model: string;
  includeThoughts: boolean;
  responseId?: string;
  /** Tool calls being gathered, per choice, by their `index`. */
  calls: Map<number, Map<number, ChatToolCall & { function: { name: string; arguments: string } }>>;
  /** Final events waiting for the usage chunk. */
  held: GenerateContentResponse[];
}

interface ChunkChoice {
  index?: number;
  delta?: ChatTurn & { tool_calls?: (ChatToolCall & { index?: number })[] };
  finish_reason?: string | null;
}

interface Chunk {
  id?: unknown;
  choices?: ChunkChoice[];
  usage?: Usage | null;
  error?: { message?: unknown; code?: unknown };
}

export function createChatStreamState(model: string, includeThoughts: boolean): ChatStreamState {
  return { model, includeThoughts, calls: new Map(), held: [] };
}

/**
 * The Gemini events for one chat chunk event.
 * @throws {UpstreamError} for an error object or data that is not JSON.
 */
export function chatEventToGenerate(event: SseEvent, state: ChatStreamState): SseEvent[] {
  if (event.data === "[DONE]") return [];
  const chunk = parseChunk(event.data);
  if (typeof chunk.id === "string") state.responseId ??= chunk.id;
  const out: GenerateContentResponse[] = [];
  for (const [i, choice] of (chunk.choices ?? []).entries()) {
    const index = choice.index ?? i;
    const delta = choice.delta ?? {};
    const parts = partsOf({ ...delta, tool_calls: undefined }, state.includeThoughts);
    for (const fragment of delta.tool_calls ?? []) gather(state, index, fragment);
    const candidate: Candidate = { content: { role: "model", parts }, index };
    if (choice.finish_reason) {
      const calls = [...(state.calls.get(index)?.values() ?? [])];
      state.calls.delete(index);
      candidate.content!.parts = [...parts, ...partsOf({ tool_calls: calls }, false)];
      candidate.finishReason = finishReasonOf(choice.finish_reason);
      state.held.push(response(state, candidate));
    } else if (parts.length > 0) out.push(response(state, candidate));
  }
  if (chunk.usage) {
    const usageMetadata = usageMetadataOf(chunk.usage);
    const last = state.held.at(-1) ?? response(state);
    if (usageMetadata) last.usageMetadata = usageMetadata;
    if (state.held.length === 0) state.held.push(last);
    out.push(...state.held.splice(0));
  }
  return out.map((r) => ({ data: JSON.stringify(r) }));
}

/** The events still held when the chat stream ended (a stream without a usage chunk). */
export function endChatStream(state: ChatStreamState): SseEvent[] {
  return state.held.splice(0).map((r) => ({ data: JSON.stringify(r) }));
}

function gather(
  state: ChatStreamState,
  choice: number,
  fragment: ChatToolCall & { index?: number },
) {
  let calls = state.calls.get(choice);
  if (!calls) state.calls.set(choice, calls = new Map());
  const at = fragment.index ?? calls.size;
  const call = calls.get(at);
  if (!call) {
    const { index: _index, ...rest } = fragment;
    calls.set(at, {
      ...rest,
      function: {
        name: fragment.function?.name ?? "",
        arguments: fragment.function?.arguments ?? "",
      },
    });
    return;
  }
  if (fragment.id) call.id = fragment.id;
  if (fragment.function?.name) call.function.name += fragment.function.name;
  call.function.arguments += fragment.function?.arguments ?? "";
  if (fragment.extra_content) call.extra_content = fragment.extra_content;
}

function response(state: ChatStreamState, candidate?: Candidate): GenerateContentResponse {
  return {
    ...(candidate ? { candidates: [candidate] } : {}),
    modelVersion: state.model,
    ...(state.responseId ? { responseId: state.responseId } : {}),
  };
}

function parseChunk(data: string): Chunk {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new UpstreamError(
      502,
      `Upstream sent a stream event that is not JSON: ${data.slice(0, 80)}`,
    );
  }
  if (typeof chunk !== "object" || chunk === null || Array.isArray(chunk)) {
    throw new UpstreamError(502, "Upstream sent a stream event that is not a chat chunk");
  }
  const error = (chunk as Chunk).error;
  if (error && typeof error === "object") {
    const code = Number(error.code);
    throw new UpstreamError(
      code >= 400 && code < 600 ? code : 502,
      typeof error.message === "string" ? error.message : "Upstream stream error",
    );
  }
  return chunk as Chunk;
}
