/**
 * The output items of a Responses stream being built from chat deltas, and the events that open,
 * fill and close them, in OpenAI's order for each kind of item:
 *
 * - message: `output_item.added`, per content part `content_part.added`, `output_text.delta`s
 *   (or `refusal.delta`s), `output_text.done` (`refusal.done`), `content_part.done`, then
 *   `output_item.done`;
 * - reasoning: the same with a `reasoning_text` part and `reasoning_text.delta`/`.done`;
 * - function_call: `output_item.added`, `function_call_arguments.delta`s, `.done`,
 *   `output_item.done`.
 *
 * Every event carries the next `sequence_number` of its stream. Source: the streaming events of
 * platform.openai.com/docs/api-reference/responses-streaming and the recorded streams in
 * openai-node `tests/lib/__snapshots__/ResponseStream.test.ts.snap`.
 */
import { type SseEvent, sseJson } from "../../sse/event.ts";
import { newId } from "./ids.ts";
import { mergeReasoningDetails } from "../openai.ts";
import { reasoningFromChat } from "./reasoning.ts";
import {
  functionCallItem,
  type ItemStatus,
  messageItem,
  type OutputItem,
  reasoningItem,
  textPart,
} from "./response.ts";

/** Numbers a stream's events. */
export interface Sequence {
  seq: number;
}

/** An event of `type` with the stream's next sequence number. */
export function emit(s: Sequence, type: string, fields: Record<string, unknown>): SseEvent {
  return sseJson({ type, sequence_number: s.seq++, ...fields }, type);
}

type PartKind = "output_text" | "refusal" | "reasoning_text";

/** A message or reasoning item whose content arrives as text. */
export class TextItem {
  readonly id: string;
  /** Closed parts, in order. */
  readonly parts: { kind: PartKind; text: string }[] = [];
  /** Signed reasoning fragments that arrived with a reasoning item, joined when it closes. */
  readonly details: unknown[] = [];
  #part: { kind: PartKind; text: string } | undefined;

  constructor(readonly kind: "message" | "reasoning", readonly index: number) {
    this.id = newId(kind === "message" ? "msg" : "rs");
  }

  added(s: Sequence): SseEvent {
    const item = this.kind === "message"
      ? messageItem(this.id, [], "in_progress")
      : { id: this.id, type: "reasoning", summary: [], content: [], status: "in_progress" };
    return emit(s, "response.output_item.added", { output_index: this.index, item });
  }

  /** `text` added to a part of `kind`, opening it (and closing another) as needed. */
  append(s: Sequence, kind: PartKind, text: string): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.#part?.kind !== kind) {
      out.push(...this.#closePart(s));
      this.#part = { kind, text: "" };
      out.push(emit(s, "response.content_part.added", {
        ...this.#at(),
        part: partOf(kind, ""),
      }));
    }
    this.#part!.text += text;
    const event = kind === "output_text"
      ? "response.output_text.delta"
      : kind === "refusal"
      ? "response.refusal.delta"
      : "response.reasoning_text.delta";
    out.push(emit(s, event, {
      ...this.#at(),
      delta: text,
      ...(kind === "output_text" ? { logprobs: [] } : {}),
    }));
    return out;
  }

  /** Closes the item; `status` says whether the answer was cut short. */
  done(s: Sequence, status: ItemStatus): { events: SseEvent[]; item: OutputItem } {
    const events = this.#closePart(s);
    const item = this.kind === "message" ? this.#message(status) : this.#reasoning();
    events.push(emit(s, "response.output_item.done", { output_index: this.index, item }));
    return { events, item };
  }

  /** The item as it stands, for a stream that fails midway. */
  snapshot(): OutputItem {
    return this.kind === "message" ? this.#message("incomplete") : this.#reasoning();
  }

  #message(status: ItemStatus): OutputItem {
    const parts = [...this.parts, ...(this.#part ? [this.#part] : [])];
    return messageItem(this.id, parts.map((p) => partOf(p.kind, p.text)), status);
  }

  #reasoning(): OutputItem {
    const text = [...this.parts, ...(this.#part ? [this.#part] : [])].map((p) => p.text).join("");
    const details = mergeReasoningDetails(this.details);
    const fields = reasoningFromChat(text, details) ?? { text: "", summary: [] };
    return reasoningItem(this.id, fields, "completed");
  }

  #closePart(s: Sequence): SseEvent[] {
    const part = this.#part;
    if (!part) return [];
    this.#part = undefined;
    this.parts.push(part);
    const at = this.#at();
    const done = part.kind === "output_text"
      ? emit(s, "response.output_text.done", { ...at, text: part.text, logprobs: [] })
      : part.kind === "refusal"
      ? emit(s, "response.refusal.done", { ...at, refusal: part.text })
      : emit(s, "response.reasoning_text.done", { ...at, text: part.text });
    return [
      done,
      emit(s, "response.content_part.done", { ...at, part: partOf(part.kind, part.text) }),
    ];
  }

  #at() {
    const open = this.#part ? 1 : 0;
    return {
      item_id: this.id,
      output_index: this.index,
      content_index: this.parts.length + open - 1,
    };
  }
}

/** A function call whose arguments arrive in pieces. */
export class CallItem {
  readonly id = newId("fc");
  arguments = "";

  constructor(readonly index: number, readonly callId: string, readonly name: string) {}

  added(s: Sequence): SseEvent {
    return emit(s, "response.output_item.added", {
      output_index: this.index,
      item: this.#item("in_progress"),
    });
  }

  append(s: Sequence, delta: string): SseEvent {
    this.arguments += delta;
    return emit(s, "response.function_call_arguments.delta", {
      item_id: this.id,
      output_index: this.index,
      delta,
    });
  }

  done(s: Sequence): { events: SseEvent[]; item: OutputItem } {
    const item = this.#item("completed");
    return {
      item,
      events: [
        emit(s, "response.function_call_arguments.done", {
          item_id: this.id,
          output_index: this.index,
          arguments: this.arguments,
        }),
        emit(s, "response.output_item.done", { output_index: this.index, item }),
      ],
    };
  }

  snapshot(): OutputItem {
    return this.#item("incomplete");
  }

  #item(status: ItemStatus): OutputItem {
    return functionCallItem(this.id, {
      call_id: this.callId,
      name: this.name,
      arguments: status === "in_progress" ? "" : this.arguments,
    }, status);
  }
}

function partOf(kind: PartKind, text: string) {
  if (kind === "output_text") return textPart(text);
  if (kind === "refusal") return { type: "refusal", refusal: text };
  return { type: "reasoning_text", text };
}
