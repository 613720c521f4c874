/**
 * Adds the channels and gateway keys stored in KV to every gateway snapshot (the holder's
 * {@link Overlay}): at start, on every reload of the file, and on every change in KV, whichever
 * instance made it. A stored entry that cannot be used (its name is now the file's, its plugin
 * is gone, its record is malformed) is left out with a warning and shown as such in listings;
 * a stored secret that does not open refuses the whole snapshot instead, so a wrong `secret`
 * never runs a gateway with channels silently missing.
 */
import { ChannelConfig, type GatewayKeyConfig } from "../config/schema.ts";
import { Secrets } from "../crypto/secrets.ts";
import { SealError } from "../crypto/secret_box.ts";
import { buildGateway, type Gateway } from "../gateway/build.ts";
import type { Overlay } from "../gateway/holder.ts";
import type { Logger } from "../log/logger.ts";
import { buildChannels } from "../routing/channel.ts";
import { readVersion } from "../store/admin_state.ts";
import { listStoredChannels } from "../store/channels.ts";
import { listStoredKeys } from "../store/gateway_keys.ts";
import { openChannel } from "./stored_channels.ts";
import { keyConfigOf } from "./stored_keys.ts";

/** Why stored entries were left out of the running snapshot, by name. */
export interface LeftOut {
  channels: ReadonlyMap<string, string>;
  keys: ReadonlyMap<string, string>;
}

export class StoredOverlay {
  #leftOut: LeftOut = { channels: new Map(), keys: new Map() };
  #warned = new Set<string>();
  #secrets = new Map<string, Promise<Secrets>>();
  /** The admin version the last snapshot was built at (null: nothing ever stored). */
  appliedVersion: string | null = null;

  constructor(private readonly kv: Deno.Kv, private readonly log: Pick<Logger, "warn">) {}

  get leftOut(): LeftOut {
    return this.#leftOut;
  }

  /** The sealing keys of `config` (derived once per pair of secrets). */
  secretsFor(config: { secret: string; secret_previous: string }): Promise<Secrets> {
    const id = JSON.stringify([config.secret, config.secret_previous]);
    let secrets = this.#secrets.get(id);
    if (!secrets) {
      if (this.#secrets.size > 4) this.#secrets.clear();
      this.#secrets.set(id, secrets = Secrets.of(config.secret, config.secret_previous));
    }
    return secrets;
  }

  readonly apply: Overlay = async (file, previous) => {
    const version = await readVersion(this.kv);
    const leftChannels = new Map<string, string>();
    const leftKeys = new Map<string, string>();
    const channels = await this.#channels(file, leftChannels);
    const keys = await this.#keys(file, leftKeys);
    this.#leftOut = { channels: leftChannels, keys: leftKeys };
    this.appliedVersion = version;
    const unchanged = channels.length === 0 && keys.length === 0 &&
      file.stored.channels.size === 0 && file.stored.keys.size === 0;
    if (unchanged) return file;
    return buildGateway(file.file, file.plugins, {
      stored: { channels, keys },
      catalog: previous.catalog,
      health: previous.health,
    });
  };

  async #channels(file: Gateway, leftOut: Map<string, string>): Promise<ChannelConfig[]> {
    const own = new Set(file.file.config.channels.map((c) => c.name));
    const secrets = await this.secretsFor(file.file.config);
    const out: ChannelConfig[] = [];
    const stored = await listStoredChannels(this.kv, (name, why) => leftOut.set(name, why));
    for (const { name, value } of stored) {
      if (own.has(name)) {
        leftOut.set(name, "the config file has a channel of the same name, which wins");
        continue;
      }
      let input;
      try {
        input = (await openChannel(name, value, secrets)).input;
      } catch (error) {
        if (!(error instanceof SealError)) throw error;
        throw new Error(
          `Channel "${name}" stored in KV has upstream keys that the configured secret does not ` +
            `open: set "secret" to the one they were sealed with (or the new one in "secret" ` +
            `and the old in "secret_previous")`,
        );
      }
      const parsed = ChannelConfig.safeParse(input);
      if (!parsed.success) {
        leftOut.set(name, `invalid: ${parsed.error.issues[0].message}`);
        continue;
      }
      const config = { ...file.file.config, channels: [parsed.data] };
      const problem = buildChannels(config, file.plugins, []).problems[0];
      if (problem) leftOut.set(name, `invalid: ${problem.replace(/^channels\[0\]\.?/, "")}`);
      else out.push(parsed.data);
    }
    this.#warn("Channel", leftOut);
    return out;
  }

  async #keys(file: Gateway, leftOut: Map<string, string>): Promise<GatewayKeyConfig[]> {
    const own = new Set(file.file.config.keys.map((k) => k.name));
    const out: GatewayKeyConfig[] = [];
    for (const { name, value } of await listStoredKeys(this.kv, (n, why) => leftOut.set(n, why))) {
      if (own.has(name)) {
        leftOut.set(name, "the config file has a key of the same name, which wins");
        continue;
      }
      const parsed = keyConfigOf(name, value);
      if (parsed.success) out.push(parsed.data);
      else leftOut.set(name, `invalid: ${parsed.error.issues[0].message}`);
    }
    this.#warn("Key", leftOut);
    return out;
  }

  /** One warning per entry and reason, however often the snapshot is rebuilt. */
  #warn(what: string, leftOut: ReadonlyMap<string, string>): void {
    for (const [name, why] of leftOut) {
      const line = `${what} "${name}" stored in KV left out: ${why}`;
      if (this.#warned.has(line)) continue;
      if (this.#warned.size > 1000) this.#warned.clear();
      this.#warned.add(line);
      this.log.warn(line);
    }
  }
}
