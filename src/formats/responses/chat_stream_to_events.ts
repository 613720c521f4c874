/**
 * OpenAI chat.completion.chunk events → a Responses event stream, in OpenAI's order:
 * `response.created`, `response.in_progress`, then each output item opened, filled and closed
 * (`stream_items.ts`), then `response.completed` — or `response.incomplete` when the answer was
 * cut by `max_output_tokens` or a content filter — carrying the whole Response and its usage.
 *
 * Chat sends no item boundaries, so an item opens when a different kind of content arrives
 * (reasoning → reasoning item, content or refusal → message, a new tool call index →
 * function_call) and a reasoning or message item closes when another kind opens. Function calls
 * stay open to the end, so arguments that interleave still land on their own call. Usage arrives
 * after the finish reason in chat streams, so the final event waits for the end of the stream.
 */
import { UpstreamError } from "../../errors.ts";
import type { SseEvent } from "../../sse/event.ts";
import { mergeReasoningDetails, type Usage } from "../openai.ts";
import { newId } from "./ids.ts";
import { endOf, type OutputItem, type ResponseObject } from "./response.ts";
import { CallItem, emit, type Sequence, TextItem } from "./stream_items.ts";
import { responseUsage } from "./usage.ts";

export interface ChatToEventsState extends Sequence {
  /** The Response as it stands; its `output` fills as items close. */
  response: ResponseObject;
  started: boolean;
  ended: boolean;
  /** The open reasoning or message item. */
  text?: TextItem;
  /** Chat tool call index → its open function_call item. */
  calls: Map<number, CallItem>;
  /** Closed items by output index. */
  closed: Map<number, OutputItem>;
  nextIndex: number;
  finish?: string;
  usage?: Usage;
  /** The upstream sends plain reasoning text, so signed details carry no text to show. */
  plainReasoning: boolean;
  /** Epoch milliseconds, for `completed_at`. */
  now: () => number;
}

export function createChatToEventsState(
  shell: ResponseObject,
  now: () => number = Date.now,
): ChatToEventsState {
  return {
    seq: 0,
    response: shell,
    started: false,
    ended: false,
    calls: new Map(),
    closed: new Map(),
    nextIndex: 0,
    plainReasoning: false,
    now,
  };
}

interface Delta {
  content?: unknown;
  refusal?: unknown;
  reasoning_content?: unknown;
  reasoning?: unknown;
  reasoning_details?: unknown;
  tool_calls?: {
    index?: number;
    id?: unknown;
    function?: { name?: unknown; arguments?: unknown };
  }[];
}

interface Chunk {
  model?: unknown;
  choices?: { delta?: Delta; finish_reason?: unknown }[];
  usage?: Usage | null;
  error?: { message?: unknown; code?: unknown };
}

/** One chat event → Responses events. @throws {UpstreamError} for an error or a bad event. */
export function chatEventToResponses(event: SseEvent, state: ChatToEventsState): SseEvent[] {
  if (state.ended) return [];
  if (event.data === "[DONE]") return endChatToEvents(state);
  let chunk: Chunk;
  try {
    chunk = JSON.parse(event.data);
  } catch {
    throw new UpstreamError(
      502,
      `Upstream sent a stream event that is not JSON: ${event.data.slice(0, 200)}`,
    );
  }
  if (chunk?.error && typeof chunk.error === "object") {
    const code = Number(chunk.error.code);
    throw new UpstreamError(
      code >= 400 && code < 600 ? code : 502,
      typeof chunk.error.message === "string" ? chunk.error.message : "Upstream stream error",
    );
  }
  const out = start(state, chunk);
  if (chunk.usage) state.usage = chunk.usage;
  const choice = chunk.choices?.[0];
  const delta = choice?.delta;
  if (delta) out.push(...reasoning(state, delta), ...content(state, delta), ...calls(state, delta));
  if (typeof choice?.finish_reason === "string") state.finish = choice.finish_reason;
  return out;
}

/**
 * Closes the stream: open items, then `response.completed` (or `.incomplete`). Without a finish
 * reason the upstream stream was cut short, which the client must hear as an error.
 * @throws {UpstreamError}
 */
export function endChatToEvents(state: ChatToEventsState): SseEvent[] {
  if (state.ended) return [];
  if (state.finish === undefined) {
    throw new UpstreamError(502, "Upstream stream ended before a finish reason (truncated)");
  }
  const out = start(state, {});
  const end = endOf(state.finish);
  const status = end.status === "incomplete" ? "incomplete" : "completed";
  out.push(...closeText(state, status));
  for (const call of [...state.calls.values()].sort((a, b) => a.index - b.index)) {
    const { events, item } = call.done(state);
    state.closed.set(call.index, item);
    out.push(...events);
  }
  state.calls.clear();
  const now = Math.floor(state.now() / 1000);
  state.response = {
    ...state.response,
    ...end,
    output: ordered(state.closed),
    usage: responseUsage(state.usage),
    ...(end.status === "completed" ? { completed_at: now } : {}),
  };
  state.ended = true;
  const type = end.status === "completed" ? "response.completed" : "response.incomplete";
  out.push(emit(state, type, { response: state.response }));
  return out;
}

/** `response.failed` for a stream that broke after it started, with the output so far. */
export function failChatToEvents(state: ChatToEventsState, message: string): SseEvent {
  const output = new Map(state.closed);
  if (state.text) output.set(state.text.index, state.text.snapshot());
  for (const call of state.calls.values()) output.set(call.index, call.snapshot());
  state.ended = true;
  state.response = {
    ...state.response,
    status: "failed",
    error: { code: "server_error", message },
    output: ordered(output),
    usage: state.usage ? responseUsage(state.usage) : null,
  };
  return emit(state, "response.failed", { response: state.response });
}

function start(state: ChatToEventsState, chunk: Chunk): SseEvent[] {
  if (state.started) return [];
  state.started = true;
  if (typeof chunk.model === "string" && chunk.model !== "") state.response.model = chunk.model;
  return [
    emit(state, "response.created", { response: state.response }),
    emit(state, "response.in_progress", { response: state.response }),
  ];
}

function reasoning(state: ChatToEventsState, delta: Delta): SseEvent[] {
  const plain = delta.reasoning_content ?? delta.reasoning;
  const incoming = mergeReasoningDetails(delta.reasoning_details);
  const hasPlain = typeof plain === "string" && plain !== "";
  if (!hasPlain && incoming.length === 0) return [];
  const out = openText(state, "reasoning");
  const item = state.text!;
  if (Array.isArray(delta.reasoning_details)) item.details.push(...delta.reasoning_details);
  if (hasPlain) {
    state.plainReasoning = true;
    out.push(...item.append(state, "reasoning_text", plain));
  } else if (!state.plainReasoning) {
    for (const d of incoming) {
      if (d.type === "reasoning.text" && d.text) {
        out.push(...item.append(state, "reasoning_text", d.text));
      }
    }
  }
  return out;
}

function content(state: ChatToEventsState, delta: Delta): SseEvent[] {
  const out: SseEvent[] = [];
  for (
    const [kind, value] of [["output_text", delta.content], ["refusal", delta.refusal]] as const
  ) {
    if (typeof value !== "string" || value === "") continue;
    out.push(...openText(state, "message"));
    out.push(...state.text!.append(state, kind, value));
  }
  return out;
}

function calls(state: ChatToEventsState, delta: Delta): SseEvent[] {
  const out: SseEvent[] = [];
  for (const call of delta.tool_calls ?? []) {
    const toolIndex = typeof call.index === "number" ? call.index : 0;
    let item = state.calls.get(toolIndex);
    if (!item) {
      out.push(...closeText(state, "completed"));
      item = new CallItem(
        state.nextIndex++,
        typeof call.id === "string" && call.id !== "" ? call.id : newId("call"),
        typeof call.function?.name === "string" ? call.function.name : "",
      );
      state.calls.set(toolIndex, item);
      out.push(item.added(state));
    }
    const args = call.function?.arguments;
    if (typeof args === "string" && args !== "") out.push(item.append(state, args));
  }
  return out;
}

/** Opens a text item of `kind` unless one is open already. */
function openText(state: ChatToEventsState, kind: "message" | "reasoning"): SseEvent[] {
  if (state.text?.kind === kind) return [];
  const out = closeText(state, "completed");
  state.text = new TextItem(kind, state.nextIndex++);
  out.push(state.text.added(state));
  return out;
}

function closeText(state: ChatToEventsState, status: "completed" | "incomplete"): SseEvent[] {
  const open = state.text;
  if (!open) return [];
  state.text = undefined;
  const { events, item } = open.done(state, status);
  state.closed.set(open.index, item);
  return events;
}

function ordered(items: Map<number, OutputItem>): OutputItem[] {
  return [...items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
}
