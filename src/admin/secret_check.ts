/**
 * The configured `secret` against what KV holds, at start-up and on `POST /admin/secret/rotate`:
 *
 * - a wrong or missing secret while sealed upstream keys are stored is a {@link SecretError}
 *   that says so, and the gateway does not start (never running with keys it cannot open);
 * - values that only `secret_previous` opens are sealed again with `secret`, one channel per
 *   commit (each checked against its versionstamp, so instances rotating at once do not clash;
 *   an interrupted rotation is finished by the next run, since both secrets still open);
 * - the verifier, a known text sealed with the secret in use, tells a wrong secret even before
 *   any value is opened; it is rewritten when the secret changes.
 */
import { Secrets } from "../crypto/secrets.ts";
import { SealError } from "../crypto/secret_box.ts";
import {
  deleteVerifier,
  readVerifier,
  VERIFIER_CONTEXT,
  VERIFIER_TEXT,
  writeVerifier,
} from "../store/admin_state.ts";
import {
  getStoredChannel,
  listStoredChannels,
  putStoredChannel,
  type StoredChannel,
  type StoredChannelEntry,
} from "../store/channels.ts";
import { openChannel, sealChannel } from "./stored_channels.ts";

/** The secret cannot open what is stored. */
export class SecretError extends Error {
  override name = "SecretError";
}

/** What a check did, for the log and the rotate endpoint. */
export interface SecretReport {
  /** Stored channels that hold sealed values. */
  sealed: number;
  /** Of those, sealed again with `secret` just now. */
  rotated: number;
  notes: string[];
}

/** Checks `secret` and rotates from `secret_previous`. @throws {SecretError} */
export async function checkSecret(
  kv: Deno.Kv,
  config: { secret: string; secret_previous: string },
  now: () => number = Date.now,
): Promise<SecretReport> {
  const secrets = await Secrets.of(config.secret, config.secret_previous);
  const sealed = (await listStoredChannels(kv)).filter((e) => holdsSealed(e.value));
  const verifier = await readVerifier(kv);
  if (sealed.length === 0) {
    // Nothing depends on the old secret: the verifier follows the configured one.
    if (verifier.value !== null && !secrets.canSeal) await deleteVerifier(kv);
    else if (verifier.value !== null && !await opens(secrets, verifier.value)) {
      await writeVerifier(kv, await secrets.seal(VERIFIER_TEXT, VERIFIER_CONTEXT));
    }
    return { sealed: 0, rotated: 0, notes: [] };
  }
  const what = `${sealed.length} stored channel${sealed.length === 1 ? "" : "s"}`;
  if (!config.secret) {
    throw new SecretError(
      `KV holds sealed upstream keys of ${what}, but "secret" is empty: set it (e.g. ` +
        `SLUICE_SECRET) to the secret they were sealed with`,
    );
  }
  if (verifier.value !== null && !await opens(secrets, verifier.value)) {
    throw new SecretError(
      `The configured "secret" does not open the upstream keys of ${what} in KV (they were ` +
        `sealed with another secret): set "secret" to that one, or put the new one in "secret" ` +
        `and the old one in "secret_previous" to seal them again`,
    );
  }
  let rotated = 0;
  for (const entry of sealed) if (await resealIfStale(kv, entry, secrets, now)) rotated++;
  const fresh = verifier.value !== null &&
    !(await secrets.open(verifier.value, VERIFIER_CONTEXT)).stale;
  if (!fresh) await writeVerifier(kv, await secrets.seal(VERIFIER_TEXT, VERIFIER_CONTEXT));
  const notes = [];
  if (rotated > 0) {
    notes.push(
      `Sealed the upstream keys of ${rotated} stored channel${
        rotated === 1 ? "" : "s"
      } again with the new secret; "secret_previous" is no longer needed`,
    );
  } else if (config.secret_previous && config.secret_previous !== config.secret) {
    notes.push(`"secret_previous" is set but nothing stored needs it: remove it`);
  }
  return { sealed: sealed.length, rotated, notes };
}

function holdsSealed(value: StoredChannel): boolean {
  return value.keys.length > 0 || Object.keys(value.secret_headers).length > 0;
}

async function opens(secrets: Secrets, sealed: string): Promise<boolean> {
  try {
    await secrets.open(sealed, VERIFIER_CONTEXT);
    return true;
  } catch (error) {
    if (error instanceof SealError) return false;
    throw error;
  }
}

/** Seals one channel again if anything in it only opens with the previous secret. */
async function resealIfStale(
  kv: Deno.Kv,
  first: StoredChannelEntry,
  secrets: Secrets,
  now: () => number,
): Promise<boolean> {
  let entry: StoredChannelEntry | undefined = first;
  for (let attempt = 0; attempt < 5 && entry; attempt++) {
    let opened;
    try {
      opened = await openChannel(entry.name, entry.value, secrets);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      throw new SecretError(
        `The upstream keys of channel "${entry.name}" in KV open with neither "secret" nor ` +
          `"secret_previous"`,
      );
    }
    if (!opened.stale) return false;
    const record = await sealChannel(entry.name, opened.input, secrets, {
      created_at: entry.value.created_at,
      updated_at: new Date(now()).toISOString(),
    });
    if (await putStoredChannel(kv, entry.name, record, entry.versionstamp)) return true;
    entry = await getStoredChannel(kv, entry.name); // changed meanwhile: read it again
  }
  return false;
}
