/**
 * Channels for the admin API and the dashboard: the config file's (read-only here) and those
 * stored in KV, listed together; stored ones created, updated, disabled and deleted, each change
 * applied to the running gateway before the call returns (and by every other instance when it
 * sees the admin version move). Errors are {@link GatewayError}s: 400 naming the field, 404,
 * 409 for a file channel or a lost race.
 */
import { ChannelConfig } from "../config/schema.ts";
import { SealError } from "../crypto/secret_box.ts";
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { buildChannels } from "../routing/channel.ts";
import { setVerifier, VERIFIER_CONTEXT, VERIFIER_TEXT } from "../store/admin_state.ts";
import {
  deleteStoredChannel,
  getStoredChannel,
  listStoredChannels,
  putStoredChannel,
  type StoredChannelEntry,
} from "../store/channels.ts";
import {
  applyChange,
  checkLookup,
  checkName,
  checkNewName,
  conflict,
  notFound,
  nowIso,
  objectBody,
  readOnly,
  withoutViewFields,
} from "./entries.ts";
import type { StoredOverlay } from "./overlay.ts";
import { probeChannel, type ProbeResult } from "./probe_channel.ts";
import {
  type ChannelInput,
  mergeChannel,
  openChannel,
  sealChannel,
  validateChannel,
} from "./stored_channels.ts";
import { channelState, type ChannelView, channelView } from "./views.ts";

export interface ChannelServiceDeps {
  kv: Deno.Kv;
  holder: GatewayHolder;
  overlay: StoredOverlay;
  /** Never follows redirects. */
  fetch: typeof fetch;
  now: () => number;
}

export class ChannelService {
  constructor(private readonly deps: ChannelServiceDeps) {}

  /** Every channel: the file's first, in file order, then the stored ones by name. */
  async list(): Promise<ChannelView[]> {
    const gateway = this.deps.holder.current;
    const views = gateway.file.config.channels.map((ch) =>
      channelView(ch, { source: "file", ...channelState(gateway, ch.name) })
    );
    for (const entry of await listStoredChannels(this.deps.kv)) views.push(this.#view(entry));
    return views;
  }

  /** @throws {GatewayError} 404 */
  async get(name: string): Promise<ChannelView> {
    const gateway = this.deps.holder.current;
    const own = gateway.file.config.channels.find((c) => c.name === name);
    if (own) return channelView(own, { source: "file", ...channelState(gateway, name) });
    checkLookup("channel", name);
    const entry = await getStoredChannel(this.deps.kv, name);
    if (!entry) throw notFound("channel", name);
    return this.#view(entry);
  }

  /** Stores a new channel. @throws {GatewayError} 400 naming the field, 409 */
  async create(body: unknown): Promise<ChannelView> {
    const input = objectBody(body);
    const gateway = this.deps.holder.current;
    const channel = validateChannel(input, gateway);
    checkNewName("channel", channel.name);
    if (gateway.file.config.channels.some((c) => c.name === channel.name)) {
      throw readOnly("channel", channel.name);
    }
    const now = nowIso(this.deps.now);
    await this.#write(channel.name, input, null, { created_at: now, updated_at: now });
    await applyChange(this.deps.holder, `channel "${channel.name}" created`);
    return await this.get(channel.name);
  }

  /**
   * Changes fields of a stored channel (`null` resets one); with `replace` (PUT) the body is the
   * whole channel (its keys kept unless sent). Masked values sent back keep the stored secrets.
   * @throws {GatewayError} 400, 404, 409
   */
  async update(name: string, body: unknown, replace = false): Promise<ChannelView> {
    const patch = withoutViewFields(objectBody(body));
    checkName("channel", name, patch);
    const entry = await this.#stored(name);
    const { input } = await this.#open(entry);
    const merged = mergeChannel(input, patch, replace);
    validateChannel(merged, this.deps.holder.current);
    if (merged.enabled === false) this.#keepOneChannel(name);
    await this.#write(name, merged, entry.versionstamp, {
      created_at: entry.value.created_at,
      updated_at: nowIso(this.deps.now),
    });
    await applyChange(this.deps.holder, `channel "${name}" updated`);
    return await this.get(name);
  }

  /** Turns a stored channel on or off. */
  setEnabled(name: string, enabled: boolean): Promise<ChannelView> {
    return this.update(name, { enabled });
  }

  /** Deletes a stored channel. @throws {GatewayError} 404, 409 */
  async remove(name: string): Promise<void> {
    const entry = await this.#stored(name);
    this.#keepOneChannel(name);
    if (!await deleteStoredChannel(this.deps.kv, name, entry.versionstamp)) {
      throw conflict(`Channel ${JSON.stringify(name)} changed meanwhile: read it and try again`);
    }
    await applyChange(this.deps.holder, `channel "${name}" deleted`);
  }

  /** One real call to the channel, file or stored, enabled or not. @throws {GatewayError} 404, 409 */
  async test(name: string, model?: string): Promise<ProbeResult> {
    const gateway = this.deps.holder.current;
    let channel = gateway.channelsByName.get(name);
    if (!channel) {
      // Disabled or not running: build it on its own, so it can be tested before it is enabled.
      let config = gateway.config.channels.find((c) => c.name === name);
      if (!config) {
        const entry = await this.#stored(name);
        const parsed = ChannelConfig.safeParse((await this.#open(entry)).input);
        if (!parsed.success) throw conflict(`Channel ${JSON.stringify(name)} is invalid`);
        config = parsed.data;
      }
      const built = buildChannels(
        { ...gateway.config, channels: [{ ...config, enabled: true }] },
        gateway.plugins,
        [],
      );
      channel = built.channels[0];
      const why = built.problems[0] ?? built.skipped[0]?.reason;
      if (!channel) throw conflict(`Channel ${JSON.stringify(name)} cannot be called: ${why}`);
    }
    return await probeChannel(channel, this.deps.fetch, model);
  }

  #view(entry: StoredChannelEntry): ChannelView {
    const gateway = this.deps.holder.current;
    const { name, value } = entry;
    const left = this.deps.overlay.leftOut.channels.get(name);
    const state = left
      ? {
        state: left.startsWith("the config file") ? "shadowed" as const : "invalid" as const,
        reason: left,
      }
      : channelState(gateway, name);
    const meta = {
      ...state,
      source: "kv" as const,
      keyHints: value.hints.keys,
      headerHints: value.hints.headers,
      created_at: value.created_at,
      updated_at: value.updated_at,
    };
    const parsed = ChannelConfig.safeParse({ ...value.config, name, keys: [] });
    if (parsed.success) return channelView(parsed.data, meta);
    // Not even parseable (written by another version?): show what there is, masked.
    return { ...value.config, name, keys: value.hints.keys, ...meta } as unknown as ChannelView;
  }

  async #stored(name: string): Promise<StoredChannelEntry> {
    if (this.deps.holder.current.file.config.channels.some((c) => c.name === name)) {
      throw readOnly("channel", name);
    }
    checkLookup("channel", name);
    const entry = await getStoredChannel(this.deps.kv, name);
    if (!entry) throw notFound("channel", name);
    return entry;
  }

  async #open(entry: StoredChannelEntry) {
    const secrets = await this.deps.overlay.secretsFor(this.deps.holder.current.config);
    try {
      return await openChannel(entry.name, entry.value, secrets);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      throw conflict(
        `The configured secret does not open the keys of channel ${JSON.stringify(entry.name)}`,
      );
    }
  }

  /** Seals and writes `input`; the verifier is written with the first sealed value. */
  async #write(
    name: string,
    input: ChannelInput,
    expected: string | null,
    times: { created_at: string; updated_at: string },
  ): Promise<void> {
    const secrets = await this.deps.overlay.secretsFor(this.deps.holder.current.config);
    const record = await sealChannel(name, input, secrets, times);
    const seals = record.keys.length > 0 || Object.keys(record.secret_headers).length > 0;
    const verifier = seals ? await secrets.seal(VERIFIER_TEXT, VERIFIER_CONTEXT) : undefined;
    const ok = await putStoredChannel(
      this.deps.kv,
      name,
      record,
      expected,
      (op) => verifier ? setVerifier(op, verifier) : op,
    );
    if (!ok) {
      throw conflict(
        expected === null
          ? `Channel ${JSON.stringify(name)} already exists`
          : `Channel ${JSON.stringify(name)} changed meanwhile: read it and try again`,
      );
    }
  }

  /** Refuses to take away the last running channel (the holder would refuse the snapshot). */
  #keepOneChannel(name: string): void {
    const gateway = this.deps.holder.current;
    if (gateway.channels.length === 1 && gateway.channels[0].name === name) {
      throw new GatewayError(
        409,
        `Channel ${JSON.stringify(name)} is the only running channel: add another one first`,
        { code: "last_channel" },
      );
    }
  }
}
