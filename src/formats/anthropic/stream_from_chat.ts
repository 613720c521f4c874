/**
 * OpenAI chat.completion.chunk events → Anthropic stream events, in Anthropic's exact order:
 * `message_start`, then per content block `content_block_start`, its deltas and
 * `content_block_stop`, then `message_delta` (stop reason and usage) and `message_stop`.
 *
 * OpenAI interleaves nothing but sends no block boundaries, so a block opens when a different
 * kind of content arrives (reasoning → thinking, content → text, a new tool call → tool_use) and
 * closes when the next one opens. Real input usage arrives only at the end of an OpenAI stream,
 * so `message_start` carries an estimate and `message_delta` the upstream's counts, which is how
 * Anthropic's SDK reads them (message_delta totals overwrite message_start's).
 *
 * Anthropic-family `reasoning_details` fragments rebuild Claude's own blocks: text fragments are
 * `thinking_delta`s, a signature fragment the block's `signature_delta`, an encrypted detail a
 * `redacted_thinking` block; a new detail index opens a new block. A delta that carries them has
 * its `reasoning_content` (the same text) skipped; other reasoning becomes an unsigned block.
 */
import { type SseEvent, sseJson } from "../../sse/event.ts";
import { UpstreamError } from "../../errors.ts";
import type { Usage } from "../openai.ts";
import { messageId, toolUseId } from "./_ids.ts";
import { FORMAT } from "./reasoning.ts";
import type { StopReason } from "./response.ts";
import { anthropicUsage, stopReasonOf } from "./response_from_chat.ts";

export interface ChatStreamState {
  model: string;
  /** Input tokens estimated from the request, for `message_start`. */
  estimatedInput: number;
  started: boolean;
  /** Index and kind of the open content block (and its reasoning detail), if any. */
  open?: { index: number; kind: Kind; detail?: number };
  nextIndex: number;
  /** OpenAI tool-call index → Anthropic block index. */
  toolBlocks: Map<number, number>;
  stopReason?: StopReason;
  usage?: Usage;
  /** `message_stop` was sent; later input is ignored. */
  ended: boolean;
}

export function createChatStreamState(model: string, estimatedInput = 0): ChatStreamState {
  return {
    model,
    estimatedInput,
    started: false,
    nextIndex: 0,
    toolBlocks: new Map(),
    ended: false,
  };
}

type Kind = "text" | "thinking" | "redacted_thinking" | "tool_use";

interface ChunkLike {
  id?: unknown;
  model?: unknown;
  choices?: {
    delta?: {
      content?: unknown;
      reasoning_content?: unknown;
      reasoning?: unknown;
      reasoning_details?: unknown;
      tool_calls?: {
        index?: number;
        id?: unknown;
        function?: { name?: unknown; arguments?: unknown };
      }[];
    };
    finish_reason?: unknown;
  }[];
  usage?: Usage | null;
  error?: { message?: unknown; type?: unknown; code?: unknown };
}

/** Turns one OpenAI event into Anthropic events. @throws {UpstreamError} on bad input. */
export function chatEventToAnthropic(event: SseEvent, state: ChatStreamState): SseEvent[] {
  if (state.ended) return [];
  if (event.data === "[DONE]") return endChatStream(state);
  let chunk: ChunkLike;
  try {
    chunk = JSON.parse(event.data);
  } catch {
    throw new UpstreamError(
      502,
      `Upstream sent a stream event that is not JSON: ${clip(event.data)}`,
    );
  }
  if (chunk?.error && typeof chunk.error === "object") {
    const code = Number(chunk.error.code);
    throw new UpstreamError(
      code >= 400 && code < 600 ? code : 502,
      typeof chunk.error.message === "string" ? chunk.error.message : "Upstream stream error",
    );
  }
  const out: SseEvent[] = start(state, chunk);
  if (chunk.usage) state.usage = chunk.usage;
  const choice = chunk.choices?.[0];
  const delta = choice?.delta;
  const signed = signedFragments(delta?.reasoning_details);
  for (const fragment of signed) out.push(...fragmentEvents(state, fragment));
  const reasoning = delta?.reasoning_content ?? delta?.reasoning;
  if (signed.length === 0 && typeof reasoning === "string" && reasoning !== "") {
    out.push(...openBlock(state, "thinking", EMPTY_THINKING));
    out.push(blockDelta(state, { type: "thinking_delta", thinking: reasoning }));
  }
  if (typeof delta?.content === "string" && delta.content !== "") {
    out.push(...openBlock(state, "text", { type: "text", text: "" }));
    out.push(blockDelta(state, { type: "text_delta", text: delta.content }));
  }
  for (const call of delta?.tool_calls ?? []) {
    const toolIndex = call.index ?? 0;
    let block = state.toolBlocks.get(toolIndex);
    if (block === undefined) {
      out.push(...openBlock(state, "tool_use", {
        type: "tool_use",
        id: toolUseId(String(call.id ?? `toolu_${toolIndex}`)),
        name: String(call.function?.name ?? ""),
        input: {},
      }, true));
      block = state.open!.index;
      state.toolBlocks.set(toolIndex, block);
    }
    const args = call.function?.arguments;
    if (typeof args === "string" && args !== "") {
      out.push(sseJson({
        type: "content_block_delta",
        index: block,
        delta: { type: "input_json_delta", partial_json: args },
      }, "content_block_delta"));
    }
  }
  if (choice?.finish_reason) state.stopReason = stopReasonOf(choice.finish_reason);
  return out;
}

/**
 * Closes the Anthropic stream: the open block, `message_delta`, `message_stop`. Without a finish
 * reason the upstream stream was cut short, which the client must hear as an error.
 * @throws {UpstreamError}
 */
export function endChatStream(state: ChatStreamState): SseEvent[] {
  if (state.ended) return [];
  if (state.stopReason === undefined) {
    throw new UpstreamError(502, "Upstream stream ended before a finish reason (truncated)");
  }
  const out = start(state, {});
  out.push(...closeBlock(state));
  const usage = anthropicUsage(state.usage);
  out.push(sseJson({
    type: "message_delta",
    delta: { stop_reason: state.stopReason, stop_sequence: null },
    usage: state.usage ? usage : { output_tokens: 0 },
  }, "message_delta"));
  out.push(sseJson({ type: "message_stop" }, "message_stop"));
  state.ended = true;
  return out;
}

function start(state: ChatStreamState, chunk: ChunkLike): SseEvent[] {
  if (state.started) return [];
  state.started = true;
  if (typeof chunk.model === "string" && chunk.model !== "") state.model = chunk.model;
  return [sseJson({
    type: "message_start",
    message: {
      id: messageId(chunk.id),
      type: "message",
      role: "assistant",
      model: state.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: state.estimatedInput, output_tokens: 0 },
    },
  }, "message_start")];
}

interface Fragment {
  type: string;
  text?: unknown;
  signature?: unknown;
  data?: unknown;
  index?: unknown;
}

/** This delta's Anthropic-family detail fragments, as they came (not joined). */
function signedFragments(details: unknown): Fragment[] {
  if (!Array.isArray(details)) return [];
  return details.filter((d): d is Fragment =>
    !!d && typeof d === "object" && (d as { format?: unknown }).format === FORMAT &&
    ((d as Fragment).type === "reasoning.text" || (d as Fragment).type === "reasoning.encrypted")
  );
}

function fragmentEvents(state: ChatStreamState, fragment: Fragment): SseEvent[] {
  const detail = typeof fragment.index === "number" ? fragment.index : undefined;
  if (fragment.type === "reasoning.encrypted") {
    const block = { type: "redacted_thinking", data: String(fragment.data ?? "") };
    return openBlock(state, "redacted_thinking", block, true, detail);
  }
  const out = openBlock(state, "thinking", EMPTY_THINKING, false, detail);
  if (typeof fragment.text === "string" && fragment.text !== "") {
    out.push(blockDelta(state, { type: "thinking_delta", thinking: fragment.text }));
  }
  if (typeof fragment.signature === "string" && fragment.signature !== "") {
    out.push(blockDelta(state, { type: "signature_delta", signature: fragment.signature }));
  }
  return out;
}

const EMPTY_THINKING = { type: "thinking", thinking: "", signature: "" };

/**
 * Opens a block of `kind` unless one of that kind (and reasoning detail) is open already; tool
 * calls and redacted thinking always open their own.
 */
function openBlock(
  state: ChatStreamState,
  kind: Kind,
  contentBlock: Record<string, unknown>,
  always = false,
  detail?: number,
): SseEvent[] {
  if (!always && state.open?.kind === kind && state.open.detail === detail) return [];
  const out = closeBlock(state);
  state.open = { index: state.nextIndex++, kind, detail };
  out.push(sseJson({
    type: "content_block_start",
    index: state.open.index,
    content_block: contentBlock,
  }, "content_block_start"));
  return out;
}

function closeBlock(state: ChatStreamState): SseEvent[] {
  if (!state.open) return [];
  const index = state.open.index;
  state.open = undefined;
  return [sseJson({ type: "content_block_stop", index }, "content_block_stop")];
}

function blockDelta(state: ChatStreamState, delta: Record<string, unknown>): SseEvent {
  return sseJson(
    { type: "content_block_delta", index: state.open!.index, delta },
    "content_block_delta",
  );
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
