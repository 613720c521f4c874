/**
 * A channel sent to the admin API, checked the way the config file's channels are (the same zod
 * schema, then the same plugin checks: the plugin exists, its `options` parse, a base URL and a
 * model list can be had), and turned into its stored form with its secrets sealed: the upstream
 * keys, and the values of headers whose names say they carry credentials. And back.
 *
 * A masked value sent back unchanged (`sk-…abcd`, as listings show it) keeps the stored secret,
 * so a form that shows masked keys can be saved without typing them again.
 */
import type { z } from "zod";
import { redact } from "../auth/key_ring.ts";
import { formatPath } from "../config/load.ts";
import { ChannelConfig } from "../config/schema.ts";
import type { Secrets } from "../crypto/secrets.ts";
import { GatewayError } from "../errors.ts";
import type { Gateway } from "../gateway/build.ts";
import { buildChannels } from "../routing/channel.ts";
import type { StoredChannel } from "../store/channels.ts";

/** A channel as the API takes it: the file's fields, keys in plain text. */
export type ChannelInput = Record<string, unknown>;

/** Header names whose values are credentials: sealed in KV, masked in listings. */
export function isSecretHeader(name: string): boolean {
  return /auth|key|token|secret|passw|cookie|session|credential|signature/i.test(name);
}

/** The sealing context of a channel's keys: a value sealed for one channel opens for no other. */
export const keysContext = (channel: string) => `channel:${channel}:keys`;
/** The sealing context of one of a channel's sealed header values. */
export const headerContext = (channel: string, header: string) =>
  `channel:${channel}:header:${header.toLowerCase()}`;

/**
 * Checks `input` as the config file's loader would check a channel.
 * @throws {GatewayError} 400 naming the field (`param`), e.g. `options.deployments`.
 */
export function validateChannel(input: ChannelInput, gateway: Gateway): ChannelConfig {
  const parsed = ChannelConfig.safeParse(input);
  if (!parsed.success) throw invalidField(parsed.error.issues[0], input);
  const channel = parsed.data;
  for (const [name, value] of Object.entries(channel.headers)) {
    try {
      new Headers([[name, value]]);
    } catch {
      throw badRequest(`headers.${name}`, `Invalid header ${JSON.stringify(name)}`);
    }
  }
  const { problems } = buildChannels(
    { ...gateway.config, channels: [channel] },
    gateway.plugins,
    [],
  );
  if (problems.length > 0) {
    // "channels[0].options.x: unknown field" → param "options.x"
    const problem = problems[0].replace(/^channels\[0\]\.?/, "");
    const colon = problem.indexOf(": ");
    const param = colon > 0 ? problem.slice(0, colon) : null;
    throw badRequest(param, `Invalid channel: ${problem}`);
  }
  return channel;
}

/** Seals `input` (already validated) into the record KV keeps. */
export async function sealChannel(
  name: string,
  input: ChannelInput,
  secrets: Secrets,
  times: { created_at: string; updated_at: string },
): Promise<StoredChannel> {
  const { keys: rawKeys, headers: rawHeaders, ...rest } = input;
  const keys = (Array.isArray(rawKeys) ? rawKeys : []).filter((k): k is string =>
    typeof k === "string" && k.trim() !== ""
  );
  const headers = (rawHeaders ?? {}) as Record<string, string>;
  const plainHeaders: Record<string, string> = {};
  const sealedHeaders: Record<string, string> = {};
  const headerHints: Record<string, string> = {};
  for (const [header, value] of Object.entries(headers)) {
    if (!isSecretHeader(header)) {
      plainHeaders[header] = value;
      continue;
    }
    if (!secrets.canSeal) throw noSecret(`headers.${header}`);
    sealedHeaders[header] = await secrets.seal(value, headerContext(name, header));
    headerHints[header] = redact(value);
  }
  if (keys.length > 0 && !secrets.canSeal) throw noSecret("keys");
  const context = keysContext(name);
  return {
    config: { ...rest, name, headers: plainHeaders },
    keys: await Promise.all(keys.map((k) => secrets.seal(k, context))),
    secret_headers: sealedHeaders,
    hints: { keys: keys.map(redact), headers: headerHints },
    ...times,
  };
}

/**
 * The channel as the admin sent it, secrets opened. `stale`: something only opened with
 * `secret_previous`, so the record should be sealed again.
 * @throws {SealError} when a secret does not open.
 */
export async function openChannel(
  name: string,
  stored: StoredChannel,
  secrets: Secrets,
): Promise<{ input: ChannelInput; stale: boolean }> {
  let stale = false;
  const open = async (sealed: string, context: string) => {
    const opened = await secrets.open(sealed, context);
    stale ||= opened.stale;
    return opened.value;
  };
  const keys = [];
  for (const sealed of stored.keys) keys.push(await open(sealed, keysContext(name)));
  const headers = { ...(stored.config.headers as Record<string, string> | undefined) };
  for (const [header, sealed] of Object.entries(stored.secret_headers)) {
    headers[header] = await open(sealed, headerContext(name, header));
  }
  return { input: { ...stored.config, name, keys, headers }, stale };
}

/**
 * `patch` applied to `current` (JSON merge patch, RFC 7386, one level: a field replaces, `null`
 * removes), or with `replace` the patch alone (fields it lacks take their defaults, except
 * `keys`, kept unless sent); masked keys and header values sent back unchanged are resolved to
 * the stored ones either way.
 */
export function mergeChannel(
  current: ChannelInput,
  patch: ChannelInput,
  replace = false,
): ChannelInput {
  const merged: ChannelInput = replace
    ? { name: current.name, keys: current.keys }
    : { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  const oldKeys = (current.keys ?? []) as string[];
  if (Array.isArray(patch.keys)) {
    merged.keys = patch.keys.map((k) =>
      oldKeys.find((old) => k === redact(old) && k !== "****") ?? k
    );
  }
  const oldHeaders = (current.headers ?? {}) as Record<string, string>;
  if (patch.headers && typeof patch.headers === "object") {
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(patch.headers as Record<string, unknown>)) {
      const old = oldHeaders[header];
      headers[header] = old !== undefined && value === redact(old) ? old : value as string;
    }
    merged.headers = headers;
  }
  return merged;
}

function invalidField(issue: z.core.$ZodIssue, input: ChannelInput): GatewayError {
  const path = formatPath(issue.path.filter((p): p is string | number => typeof p !== "symbol"));
  if (
    issue.code === "invalid_type" && issue.path.length === 1 && !(String(issue.path[0]) in input)
  ) {
    return badRequest(path, `Missing required field '${path}'`);
  }
  if (issue.code === "unrecognized_keys") {
    const field = formatPath([
      ...issue.path.filter((p): p is string | number => typeof p !== "symbol"),
      issue.keys[0],
    ]);
    return badRequest(field, `Unknown field '${field}'`);
  }
  return badRequest(path || null, `Invalid value for '${path || "(body)"}': ${issue.message}`);
}

function badRequest(param: string | null, message: string): GatewayError {
  return new GatewayError(400, message, { code: "invalid_channel", param });
}

function noSecret(param: string): GatewayError {
  return new GatewayError(
    400,
    "Cannot store upstream keys: no `secret` is configured to seal them (set it in the config)",
    { code: "secret_required", param },
  );
}
