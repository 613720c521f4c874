/**
 * Anthropic stream events → OpenAI chat.completion.chunk events, one event at a time.
 *
 * The output is what an OpenAI stream looks like: a role chunk first, then content and tool-call
 * chunks (a tool call's first chunk carries index, id and name; later ones only argument text), a
 * chunk with `finish_reason`, and a usage chunk with `choices: []`. Anthropic numbers all content
 * blocks together; OpenAI numbers tool calls alone, so the state maps one to the other.
 *
 * Thinking streams as `reasoning_content` deltas plus `reasoning_details` fragments numbered per
 * thinking block, as OpenRouter streams them: each `thinking_delta` a text fragment, the
 * `signature_delta` a fragment carrying only the signature, a `redacted_thinking` block one
 * encrypted detail. A client that joins fragments by `index` holds the blocks Claude sent.
 */
import { type SseEvent, sseJson } from "../../sse/event.ts";
import { UpstreamError } from "../../errors.ts";
import type { ChatCompletionChunk, FinishReason } from "../openai.ts";
import { statusOfErrorType } from "./errors.ts";
import { FORMAT } from "./reasoning.ts";
import { type DeltaUsage, StreamEvent } from "./response.ts";
import { chatUsage, finishReasonOf } from "./response_to_chat.ts";

export interface AnthropicStreamState {
  id: string;
  model: string;
  created: number;
  /** Anthropic block index → OpenAI tool-call index. */
  toolIndex: Map<number, number>;
  /** Anthropic block index → `reasoning_details` index, for thinking blocks. */
  reasoningIndex: Map<number, number>;
  /** Usage so far; message_start sets it, message_delta updates it. */
  usage: Partial<DeltaUsage>;
  finishReason?: FinishReason;
  /** message_stop arrived: the stream is complete. */
  stopped: boolean;
}

export function createAnthropicStreamState(
  created = Math.floor(Date.now() / 1000),
): AnthropicStreamState {
  return {
    id: "",
    model: "",
    created,
    toolIndex: new Map(),
    reasoningIndex: new Map(),
    usage: {},
    stopped: false,
  };
}

/** Parses one event's data. @throws {UpstreamError} for JSON that is not a stream event. */
export function parseStreamEvent(event: SseEvent): StreamEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    throw new UpstreamError(
      502,
      `Anthropic sent a stream event that is not JSON: ${clip(event.data)}`,
    );
  }
  const type = (json as { type?: unknown })?.type;
  const parsed = StreamEvent.safeParse(json);
  if (parsed.success) return parsed.data;
  // Event types added after this was written are skipped; known ones must be well formed.
  if (typeof type === "string" && !KNOWN_EVENTS.has(type)) return undefined;
  throw new UpstreamError(
    502,
    `Anthropic sent a malformed "${String(type)}" event: ${clip(event.data)}`,
  );
}

const KNOWN_EVENTS = new Set(StreamEvent.options.map((o) => o.shape.type.value as string));

/**
 * Folds an event's usage into `usage`. Counts are totals, not increments, so applying an event
 * twice is harmless (the plugin's usage hook and its event hook both see every event).
 */
export function accumulateUsage(usage: Partial<DeltaUsage>, event: StreamEvent): void {
  const source = event.type === "message_start"
    ? event.message.usage
    : event.type === "message_delta"
    ? event.usage
    : undefined;
  if (!source) return;
  for (const key of USAGE_KEYS) {
    const value = source[key];
    if (typeof value === "number") usage[key] = value;
  }
}

const USAGE_KEYS = [
  "input_tokens",
  "output_tokens",
  "cache_creation_input_tokens",
  "cache_read_input_tokens",
] as const;

/** Turns one Anthropic event into OpenAI chunks. @throws {UpstreamError} on an `error` event. */
export function anthropicEventToChunks(event: SseEvent, state: AnthropicStreamState): SseEvent[] {
  const parsed = parseStreamEvent(event);
  if (!parsed) return [];
  accumulateUsage(state.usage, parsed);
  const chunk = (delta: Record<string, unknown>, finish: FinishReason | null = null) =>
    sseJson(
      {
        id: state.id,
        object: "chat.completion.chunk",
        created: state.created,
        model: state.model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      } satisfies ChatCompletionChunk,
    );
  switch (parsed.type) {
    case "message_start":
      state.id = parsed.message.id;
      state.model = parsed.message.model;
      return [chunk({ role: "assistant", content: "" })];
    case "content_block_start": {
      const block = parsed.content_block;
      if (block.type === "text" && typeof block.text === "string" && block.text !== "") {
        return [chunk({ content: block.text })];
      }
      if (block.type === "thinking" || block.type === "redacted_thinking") {
        return thinkingStart(parsed.index, block, state).map((delta) => chunk(delta));
      }
      if (block.type !== "tool_use") return [];
      const index = state.toolIndex.size;
      state.toolIndex.set(parsed.index, index);
      return [chunk({
        tool_calls: [{
          index,
          id: String(block.id),
          type: "function",
          function: { name: String(block.name), arguments: "" },
        }],
      })];
    }
    case "content_block_delta": {
      const delta = parsed.delta;
      if (delta.type === "text_delta" && typeof delta.text === "string") {
        return delta.text === "" ? [] : [chunk({ content: delta.text })];
      }
      if (delta.type === "thinking_delta" && typeof delta.thinking === "string") {
        const index = state.reasoningIndex.get(parsed.index) ??
          reasoningIndexFor(parsed.index, state);
        return [chunk({
          reasoning_content: delta.thinking,
          reasoning_details: [{
            type: "reasoning.text",
            text: delta.thinking,
            format: FORMAT,
            index,
          }],
        })];
      }
      if (delta.type === "signature_delta" && typeof delta.signature === "string") {
        const index = state.reasoningIndex.get(parsed.index) ??
          reasoningIndexFor(parsed.index, state);
        return [chunk({
          reasoning_details: [{
            type: "reasoning.text",
            signature: delta.signature,
            format: FORMAT,
            index,
          }],
        })];
      }
      if (delta.type === "input_json_delta" && typeof delta.partial_json === "string") {
        const index = state.toolIndex.get(parsed.index);
        if (index === undefined || delta.partial_json === "") return [];
        return [chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] })];
      }
      return []; // citations_delta: nothing for an OpenAI client
    }
    case "message_delta": {
      if (parsed.delta.stop_reason === undefined || parsed.delta.stop_reason === null) return [];
      state.finishReason = finishReasonOf(parsed.delta.stop_reason);
      return [chunk({}, state.finishReason)];
    }
    case "message_stop": {
      state.stopped = true;
      return [sseJson({
        id: state.id,
        object: "chat.completion.chunk",
        created: state.created,
        model: state.model,
        choices: [],
        usage: chatUsage(state.usage),
      })];
    }
    case "error":
      throw new UpstreamError(
        statusOfErrorType(parsed.error.type),
        parsed.error.message,
        parsed.error.type,
      );
    default:
      return []; // content_block_stop, ping
  }
}

/**
 * For streams relayed to Anthropic clients unchanged: checks the event without altering it.
 * @throws {UpstreamError} for an `error` event (so it fails over before the first byte) and for
 * data that is not JSON, which the client could not read either.
 */
export function checkAnthropicEvent(event: SseEvent, state: AnthropicStreamState): void {
  const parsed = parseStreamEvent(event);
  if (parsed?.type === "message_stop") state.stopped = true;
  if (parsed?.type === "error") {
    throw new UpstreamError(
      statusOfErrorType(parsed.error.type),
      parsed.error.message,
      parsed.error.type,
    );
  }
}

/**
 * Called when Anthropic's stream closed. A stream without `message_stop` was cut short: that is
 * an error for the client, not a quiet end. @throws {UpstreamError}
 */
export function endAnthropicStream(state: AnthropicStreamState): SseEvent[] {
  if (!state.stopped) {
    throw new UpstreamError(502, "Anthropic stream ended before message_stop (truncated)");
  }
  return [];
}

/** The deltas a thinking block's start carries: usually none, a redacted block its data. */
function thinkingStart(
  blockIndex: number,
  block: Record<string, unknown>,
  state: AnthropicStreamState,
): Record<string, unknown>[] {
  const index = reasoningIndexFor(blockIndex, state);
  if (block.type === "redacted_thinking") {
    const data = String(block.data ?? "");
    return [{ reasoning_details: [{ type: "reasoning.encrypted", data, format: FORMAT, index }] }];
  }
  const text = typeof block.thinking === "string" ? block.thinking : "";
  const signature = typeof block.signature === "string" ? block.signature : "";
  if (text === "" && signature === "") return [];
  return [{
    ...(text ? { reasoning_content: text } : {}),
    reasoning_details: [{
      type: "reasoning.text",
      text,
      ...(signature ? { signature } : {}),
      format: FORMAT,
      index,
    }],
  }];
}

function reasoningIndexFor(blockIndex: number, state: AnthropicStreamState): number {
  const index = state.reasoningIndex.size;
  state.reasoningIndex.set(blockIndex, index);
  return index;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
