/** Reads a body into memory up to a limit, so one huge upstream answer cannot exhaust memory. */

export class TooLargeError extends Error {
  override name = "TooLargeError";
  constructor(readonly limit: number) {
    super(`Body exceeds ${limit} bytes`);
  }
}

const decoder = new TextDecoder();

/**
 * The whole body of `message` as text (UTF-8), cheaper than bytes then decoding where the body
 * declares its length: Deno decodes it in the same operation that reads it.
 * @throws {TooLargeError} as soon as more than `limit` bytes arrived (the body is cancelled).
 */
export async function readCappedText(message: Request | Response, limit: number): Promise<string> {
  // `.body` is not touched on this path: its getter builds a ReadableStream (measurable per
  // request), and `text()` of a message without a body is "" anyway.
  const declared = Number(message.headers.get("content-length") ?? Number.NaN);
  if (Number.isInteger(declared) && declared <= limit) return await message.text();
  return decoder.decode(await readCapped(message, limit));
}

/**
 * The whole body of `message` as bytes.
 * @throws {TooLargeError} as soon as more than `limit` bytes arrived (the body is cancelled).
 */
export async function readCapped(
  message: Request | Response,
  limit: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(message.headers.get("content-length") ?? Number.NaN);
  // A declared length within the limit: Deno reads it in one operation, far cheaper per request
  // than a reader loop. (A body longer than it declared is a protocol error Deno rejects.)
  if (Number.isInteger(declared) && declared <= limit) {
    return new Uint8Array(await message.arrayBuffer());
  }
  if (!message.body) return new Uint8Array();
  if (declared > limit) {
    await message.body.cancel().catch(() => {});
    throw new TooLargeError(limit);
  }
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  const reader = (message.body as ReadableStream<Uint8Array<ArrayBuffer>>).getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLargeError(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
