/**
 * What the channel and key services share: the errors an edit can meet (404, 409 for a file
 * entry or a lost race), timestamps, and applying a change to the running gateway at once.
 */
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";

/** Channels or keys, for messages. */
export type Kind = "channel" | "key";

/** A JSON object from the client, or a 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new GatewayError(400, "Request body must be a JSON object", { code: "invalid_json" });
  }
  return body as Record<string, unknown>;
}

/** Fields a view adds that are not the entry's own; a view sent back as an update drops them. */
const VIEW_FIELDS = ["source", "state", "reason", "created_at", "updated_at", "key_hint"];

/** `body` without the fields only views have, so a view edited and sent back is an update. */
export function withoutViewFields(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const field of VIEW_FIELDS) delete out[field];
  return out;
}

/** The longest name a channel or key made through the API may have (a KV key holds 2 KiB). */
export const MAX_NAME_LENGTH = 128;

export function notFound(kind: Kind, name: string): GatewayError {
  const shown = JSON.stringify(name.slice(0, MAX_NAME_LENGTH));
  return new GatewayError(404, `No ${kind} ${shown} stored through the admin API`, {
    code: "not_found",
  });
}

/** 404 before any KV read for a name no entry can have (too long for a KV key, say). */
export function checkLookup(kind: Kind, name: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw notFound(kind, name);
}

/** 400 for a new entry's name too long to be one. */
export function checkNewName(kind: Kind, name: string): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw new GatewayError(400, `A ${kind} name has at most ${MAX_NAME_LENGTH} characters`, {
      code: `invalid_${kind}`,
      param: "name",
    });
  }
}

/** 409: the entry is the config file's, which the API does not edit. */
export function readOnly(kind: Kind, name: string): GatewayError {
  return new GatewayError(
    409,
    `The ${kind} ${
      JSON.stringify(name)
    } is defined in the config file and is read-only here: edit the file, then reload`,
    { code: "read_only" },
  );
}

export function conflict(message: string): GatewayError {
  return new GatewayError(409, message, { code: "conflict" });
}

/** 400 when a body names another entry than the path. */
export function checkName(kind: Kind, name: string, body: Record<string, unknown>): void {
  if (body.name !== undefined && body.name !== name) {
    throw new GatewayError(
      400,
      `A ${kind} cannot be renamed (${JSON.stringify(name)} to ${JSON.stringify(body.name)}): ` +
        "create a new one and delete this one",
      { code: `invalid_${kind}`, param: "name" },
    );
  }
}

/** Rebuilds the running snapshot after a change (other instances follow the version key). */
export async function applyChange(holder: GatewayHolder, reason: string): Promise<void> {
  // A refusal is logged by the holder, and the entry's state in listings says it is not running.
  await holder.refresh(`admin API: ${reason}`);
}

export function nowIso(now: () => number): string {
  return new Date(now()).toISOString();
}
