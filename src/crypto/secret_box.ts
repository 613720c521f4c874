/**
 * Seals short secrets (upstream keys) for storage, with WebCrypto only:
 *
 * - the key is derived from the config's `secret` by HKDF-SHA-256 (RFC 5869) with the fixed
 *   {@link HKDF_SALT} and {@link HKDF_INFO} below, as an AES-256-GCM key that cannot be exported;
 * - each value gets a fresh random 96-bit IV, the length NIST SP 800-38D §8.2 recommends for
 *   GCM (random IVs keep the chance of a repeat negligible for far more values than a gateway
 *   stores);
 * - a context string (which record and field the value belongs to) is bound as additional
 *   authenticated data, so a sealed value copied into another record does not open there;
 * - GCM's tag authenticates: a wrong secret or a tampered value fails to open, it never yields
 *   garbage.
 *
 * Sealed form: `v1.<base64url IV>.<base64url ciphertext and 128-bit tag>`.
 * References: MDN `SubtleCrypto.deriveKey()` and `HkdfParams`, `AesGcmParams`
 * (https://developer.mozilla.org/en-US/docs/Web/API/HkdfParams).
 */
import { Buffer } from "node:buffer";

/** HKDF salt: fixed and public (RFC 5869 §3.1: a salt need not be secret). */
export const HKDF_SALT = "sluice/kv-secrets/salt/v1";
/** HKDF info: names what the derived key is for, so `secret` could key other things apart. */
export const HKDF_INFO = "sluice/kv-secrets/aes-256-gcm/v1";

const VERSION = "v1";
const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A value that does not open: wrong secret, another record's value, or tampered. */
export class SealError extends Error {
  override name = "SealError";
}

/**
 * The AES-256-GCM key for `secret`.
 * @example
 * const key = await deriveSealingKey(config.secret);
 * const sealed = await seal(key, "sk-upstream", "channel:openai:keys");
 * await open(key, sealed, "channel:openai:keys"); // "sk-upstream"
 */
export async function deriveSealingKey(secret: string): Promise<CryptoKey> {
  if (secret === "") throw new SealError("Cannot derive a sealing key from an empty secret");
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, [
    "deriveKey",
  ]);
  return await crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: encoder.encode(HKDF_SALT),
      info: encoder.encode(HKDF_INFO),
    },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Seals `plaintext` for the record and field named by `context`. */
export async function seal(key: CryptoKey, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(plaintext),
  );
  return `${VERSION}.${b64(iv)}.${b64(new Uint8Array(data))}`;
}

/**
 * Opens what {@link seal} made with the same key and context.
 * @throws {SealError} when it does not open (never returns garbage).
 */
export async function open(key: CryptoKey, sealed: string, context: string): Promise<string> {
  const parts = sealed.split(".");
  if (parts.length !== 3 || parts[0] !== VERSION) {
    throw new SealError(`Not a sealed value (expected "${VERSION}.<iv>.<data>")`);
  }
  const iv = Buffer.from(parts[1], "base64url");
  const data = Buffer.from(parts[2], "base64url");
  if (iv.length !== IV_BYTES || data.length < 16) throw new SealError("Sealed value is truncated");
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
      key,
      data,
    );
    return decoder.decode(plain);
  } catch {
    // WebCrypto says only "OperationError": the tag did not match.
    throw new SealError("Sealed value does not open with this secret");
  }
}

/** Whether `value` has the sealed form (not whether it opens). */
export function isSealed(value: string): boolean {
  return /^v1\.[\w-]{16}\.[\w-]{22,}$/.test(value);
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
