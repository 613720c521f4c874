/**
 * Gateway keys: the keys clients present to Sluice. Keys are held only as SHA-256 digests, looked
 * up by digest and confirmed with a constant-time comparison, so neither the file (with
 * `sha256:` entries) nor memory dumps nor response timing give a key away.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { GatewayKeyConfig } from "../config/schema.ts";
import { GatewayError } from "../errors.ts";
import { globToRegExp } from "./glob.ts";

/** A client key that authenticated, with what it may do. */
export interface GatewayKey {
  name: string;
  /** Channel names it may use; undefined means all. */
  channels?: ReadonlySet<string>;
  /** Whether it may use `model` (the name after aliases) on `channel`. */
  allowsModel(model: string, channel?: string): boolean;
  /** It has a model allow-list (so `/proxy` calls must name an allowed model). */
  restrictsModels: boolean;
  expires?: Date;
  limits?: GatewayKeyConfig["limits"];
}

/** The identity of requests when no keys are configured (open, loopback-only mode). */
export const ANONYMOUS: GatewayKey = {
  name: "anonymous",
  allowsModel: () => true,
  restrictsModels: false,
};

/** SHA-256 of a secret, for constant-time comparison of equal-length digests. */
export function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

/** Parses a configured key: the key itself, or `sha256:<64 hex>`. */
export function keyDigest(configured: string): Buffer | undefined {
  if (configured.startsWith("sha256:")) {
    const hex = configured.slice(7);
    return /^[0-9a-f]{64}$/i.test(hex) ? Buffer.from(hex, "hex") : undefined;
  }
  return configured === "" ? undefined : digest(configured);
}

function toGatewayKey(config: GatewayKeyConfig): GatewayKey {
  const patterns = config.models?.map(globToRegExp);
  return {
    name: config.name,
    channels: config.channels ? new Set(config.channels) : undefined,
    allowsModel: patterns
      ? (model, channel) =>
        patterns.some((p) =>
          p.test(model) || (channel !== undefined && p.test(`${channel}/${model}`))
        )
      : () => true,
    restrictsModels: patterns !== undefined,
    expires: config.expires,
    limits: config.limits,
  };
}

/** Verified tokens remembered per snapshot: hashing every request's token was measurable. */
const VERIFIED_CACHE = 4096;

export class KeyRing {
  readonly #byDigest = new Map<string, { digest: Buffer; key: GatewayKey }>();
  /** Tokens that authenticated, by the token itself; bounded, and only ever successes. */
  readonly #verified = new Map<string, GatewayKey>();

  /** @param warn receives one line per configured key that is unusable (empty or malformed). */
  constructor(keys: readonly GatewayKeyConfig[], warn: (line: string) => void = () => {}) {
    for (const config of keys) {
      if (!config.enabled) continue;
      const d = keyDigest(config.key);
      if (!d) {
        warn(
          config.key.startsWith("sha256:")
            ? `Key "${config.name}" skipped: sha256: must be followed by 64 hex digits`
            : `Key "${config.name}" skipped: its key is empty (is the variable set?)`,
        );
        continue;
      }
      this.#byDigest.set(d.toString("hex"), { digest: d, key: toGatewayKey(config) });
    }
  }

  /** No usable keys: the gateway is open (and binds to loopback only). */
  get open(): boolean {
    return this.#byDigest.size === 0;
  }

  get size(): number {
    return this.#byDigest.size;
  }

  /**
   * The key presented as `token`, checked for expiry.
   * @throws {GatewayError} 401 for a missing or unknown key, 403 for an expired one.
   */
  authenticate(token: string | undefined, now: Date): GatewayKey {
    if (this.open) return ANONYMOUS;
    if (!token) {
      throw new GatewayError(
        401,
        "Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'",
        { code: "missing_api_key" },
      );
    }
    let key = this.#verified.get(token);
    if (!key) {
      const presented = digest(token);
      const entry = this.#byDigest.get(presented.toString("hex"));
      if (!entry || !timingSafeEqual(entry.digest, presented)) {
        throw new GatewayError(401, `Incorrect API key provided: ${redact(token)}`, {
          code: "invalid_api_key",
        });
      }
      key = entry.key;
      if (this.#verified.size < VERIFIED_CACHE) this.#verified.set(token, key);
    }
    if (key.expires && key.expires.getTime() <= now.getTime()) {
      throw new GatewayError(
        403,
        `API key "${key.name}" expired on ${key.expires.toISOString()}`,
        { code: "key_expired" },
      );
    }
    return key;
  }
}

/** `sk-abc…wxyz`: enough to recognise a key, never enough to use it. */
export function redact(token: string): string {
  return token.length <= 8 ? "****" : `${token.slice(0, 3)}…${token.slice(-4)}`;
}
