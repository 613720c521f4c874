/**
 * The UTF-8 size of a string without encoding it: text messages are counted in the bytes they
 * take on the wire, and checked against the size limit, without copying a 15 MiB audio append.
 */

/** Bytes `text` takes as UTF-8 (a lone surrogate counts as U+FFFD's 3, as encoders write it). */
export function byteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      // A surrogate pair: 4 bytes for 2 code units.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
