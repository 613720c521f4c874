/**
 * The client's `input` as a list of items, the shape it is stored in and listed as by
 * `GET /v1/responses/{id}/input_items`: a string becomes one user message, message content given
 * as a string becomes one text part, and every item gets an id, as OpenAI's own listing shows them
 * (`ResponseItem` in openai-node `src/resources/responses/responses.ts`, all with `id`).
 */
import { ITEM_PREFIX, newId } from "./ids.ts";
import type { InputItem } from "./request.ts";

/** One item of a conversation, as stored (already normalised). */
export type Item = Record<string, unknown>;

/**
 * `input` as items with ids.
 *
 * @example
 * ```ts
 * normalizeInput("Hi");
 * // → [{ id: "msg_…", type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] }]
 * ```
 */
export function normalizeInput(input: string | readonly InputItem[] | undefined): Item[] {
  if (input === undefined) return [];
  if (typeof input === "string") {
    return [{
      id: newId("msg"),
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: input }],
    }];
  }
  return input.map(normalizeItem);
}

function normalizeItem(item: InputItem): Item {
  const type = item.type ?? "message";
  if (type === "item_reference") return { ...item };
  const id = typeof item.id === "string" && item.id !== ""
    ? item.id
    : newId(ITEM_PREFIX[type] ?? "item");
  if (type !== "message") return { ...item, id };
  const content = typeof item.content === "string"
    ? [
      item.role === "assistant"
        ? { type: "output_text", text: item.content, annotations: [] }
        : { type: "input_text", text: item.content },
    ]
    : item.content ?? [];
  return { ...item, id, type, content };
}

/** The items of `items` by id, for resolving `item_reference`s (never to another reference). */
export function itemsById(items: readonly Item[]): Map<string, Item> {
  const byId = new Map<string, Item>();
  for (const item of items) {
    if (typeof item.id === "string" && item.type !== "item_reference") byId.set(item.id, item);
  }
  return byId;
}

/**
 * Items fit for a native Responses call that cannot name the previous response (it was emulated):
 * ids the upstream never issued are dropped, and reasoning it cannot verify (another family's,
 * or none at all) is left out.
 */
export function itemsForNative(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  for (const item of items) {
    if (item.type === "reasoning") {
      const encrypted = item.encrypted_content;
      if (typeof encrypted === "string" && !encrypted.startsWith("sluice.")) out.push(item);
      continue;
    }
    const { id: _id, ...rest } = item;
    out.push(item.type === "item_reference" ? item : rest);
  }
  return out;
}
