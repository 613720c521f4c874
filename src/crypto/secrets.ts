/**
 * The sealing keys a config names: `secret` seals, and opens; `secret_previous`, while a rotation
 * is under way, only opens, and says so, so the caller can seal the value again with `secret`.
 */
import { deriveSealingKey, open, seal, SealError } from "./secret_box.ts";

/** What opening found: the value, and whether only the previous secret opened it. */
export interface Opened {
  value: string;
  /** Sealed with `secret_previous`: seal it again with `secret`. */
  stale: boolean;
}

export class Secrets {
  private constructor(
    private readonly current: CryptoKey | undefined,
    private readonly previous: CryptoKey | undefined,
  ) {}

  /** The keys of `secret` and `secret_previous` (either may be empty). */
  static async of(secret: string, previous = ""): Promise<Secrets> {
    return new Secrets(
      secret ? await deriveSealingKey(secret) : undefined,
      previous && previous !== secret ? await deriveSealingKey(previous) : undefined,
    );
  }

  /** A secret is configured, so values can be sealed. */
  get canSeal(): boolean {
    return this.current !== undefined;
  }

  /**
   * Seals with `secret`.
   * @throws {SealError} when no secret is configured.
   */
  seal(plaintext: string, context: string): Promise<string> {
    if (!this.current) {
      throw new SealError("No secret is configured: set `secret` to store upstream keys");
    }
    return seal(this.current, plaintext, context);
  }

  /**
   * Opens with `secret`, else with `secret_previous`.
   * @throws {SealError} when neither opens it.
   */
  async open(sealed: string, context: string): Promise<Opened> {
    if (this.current) {
      try {
        return { value: await open(this.current, sealed, context), stale: false };
      } catch (error) {
        if (!(error instanceof SealError) || !this.previous) throw error;
      }
    }
    if (this.previous) return { value: await open(this.previous, sealed, context), stale: true };
    throw new SealError("No secret is configured to open stored upstream keys");
  }
}
