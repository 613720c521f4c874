/**
 * Stored Responses, for `previous_response_id` and `GET`/`DELETE /v1/responses/{id}`. Two kinds:
 *
 * - native: the upstream (OpenAI, Azure) stores the response; the gateway remembers only which
 *   channel served it, so a follow-up goes back there;
 * - emulated: a chat channel served it; the gateway stores the conversation (every input item the
 *   model saw, and the Response with its output) so a follow-up can be expanded into full input.
 *
 * Each is scoped to the gateway key that created it and expires after {@link RESPONSE_TTL_MS}, as
 * OpenAI keeps responses for 30 days. A conversation is JSON split into parts under Deno KV's
 * 64 KiB value limit, written before the record that counts them, so a reader never sees a record
 * whose parts are not all there. Keys come from `keys.ts`.
 */
import { z } from "zod";
import { responseKeys } from "./keys.ts";

/** How long a stored response lives: 30 days. */
export const RESPONSE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Bytes per part: under the 64 KiB value limit with room for serialization. */
const PART_BYTES = 60_000;
/** Parts per atomic write: under the 800 KB limit of one atomic operation. */
const PARTS_PER_WRITE = 10;
/** A conversation larger than this (16 MiB) is not stored; its follow-ups get 404. */
export const MAX_CONVERSATION_BYTES = 16 * 1024 * 1024;

export const StoredResponse = z.object({
  kind: z.enum(["native", "emulated"]),
  /** The gateway key's name that created it; no other key may see it. */
  key: z.string(),
  channel: z.string(),
  /** The upstream model that served it. */
  model: z.string(),
  /** Epoch ms. */
  createdAt: z.number(),
  /** Parts of the stored conversation (0 for native responses). */
  parts: z.number().int().nonnegative(),
});
export type StoredResponse = z.infer<typeof StoredResponse>;

/** An emulated response's conversation: what the model saw, and what it answered. */
export const Conversation = z.object({
  input: z.array(z.record(z.string(), z.unknown())),
  response: z.looseObject({ id: z.string(), output: z.array(z.record(z.string(), z.unknown())) }),
});
export type Conversation = z.infer<typeof Conversation>;

/** Remembers that `channel` stores response `id` natively. */
export async function rememberNative(
  kv: Deno.Kv,
  id: string,
  meta: Omit<StoredResponse, "kind" | "parts">,
): Promise<void> {
  const record: StoredResponse = { ...meta, kind: "native", parts: 0 };
  await kv.set(responseKeys.record(id), record, { expireIn: RESPONSE_TTL_MS });
}

/**
 * Stores an emulated response's conversation; false (nothing stored) when it is larger than
 * {@link MAX_CONVERSATION_BYTES}.
 */
export async function rememberConversation(
  kv: Deno.Kv,
  meta: Omit<StoredResponse, "kind" | "parts">,
  conversation: Conversation,
): Promise<boolean> {
  const id = conversation.response.id;
  const bytes = new TextEncoder().encode(JSON.stringify(conversation));
  if (bytes.byteLength > MAX_CONVERSATION_BYTES) return false;
  const parts = Math.ceil(bytes.byteLength / PART_BYTES);
  const options = { expireIn: RESPONSE_TTL_MS };
  for (let first = 0; first < parts; first += PARTS_PER_WRITE) {
    const write = kv.atomic();
    for (let n = first; n < Math.min(parts, first + PARTS_PER_WRITE); n++) {
      write.set(
        responseKeys.part(id, n),
        bytes.subarray(n * PART_BYTES, (n + 1) * PART_BYTES),
        options,
      );
    }
    await write.commit();
  }
  const record: StoredResponse = { ...meta, kind: "emulated", parts };
  await kv.set(responseKeys.record(id), record, options);
  return true;
}

/** The record of response `id` if gateway key `keyName` created it; else undefined. */
export async function findResponse(
  kv: Deno.Kv,
  id: string,
  keyName: string,
): Promise<StoredResponse | undefined> {
  const entry = await kv.get(responseKeys.record(id));
  const parsed = StoredResponse.safeParse(entry.value);
  return parsed.success && parsed.data.key === keyName ? parsed.data : undefined;
}

/** The conversation of an emulated response; undefined when parts expired or are damaged. */
export async function loadConversation(
  kv: Deno.Kv,
  id: string,
  record: StoredResponse,
): Promise<Conversation | undefined> {
  if (record.kind !== "emulated") return undefined;
  const chunks: Uint8Array[] = [];
  for await (const entry of kv.list<Uint8Array>({ prefix: responseKeys.parts(id) })) {
    if (!(entry.value instanceof Uint8Array)) return undefined;
    chunks.push(entry.value);
  }
  if (chunks.length !== record.parts) return undefined;
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    const parsed = Conversation.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets response `id` and its conversation. */
export async function forgetResponse(kv: Deno.Kv, id: string): Promise<void> {
  await kv.delete(responseKeys.record(id));
  let batch = kv.atomic();
  let size = 0;
  for await (const entry of kv.list({ prefix: responseKeys.parts(id) })) {
    batch.delete(entry.key);
    if (++size === 100) {
      await batch.commit();
      batch = kv.atomic();
      size = 0;
    }
  }
  if (size > 0) await batch.commit();
}
