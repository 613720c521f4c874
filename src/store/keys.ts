/**
 * Every Deno KV key the gateway uses, built here and nowhere else. Keys are arrays led by a
 * snake_case collection name; secondary indexes get their own collection.
 */

/** `previous_response_id` emulation for channels without a stored Responses API. */
export const responseKeys = {
  /** The stored response's metadata and first part: `["responses", id]`. */
  record: (id: string) => ["responses", id] as const,
  /** Further parts of a response too large for one KV value (64 KiB): `["response_parts", id, n]`. */
  part: (id: string, n: number) => ["response_parts", id, n] as const,
  /** Prefix of every part of `id`, for listing or deleting them. */
  parts: (id: string) => ["response_parts", id] as const,
};
