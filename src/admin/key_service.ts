/**
 * Gateway keys for the admin API and the dashboard: the config file's (read-only here) and those
 * made through the API, listed together. A made key is returned once by {@link KeyService.create}
 * and never again: KV keeps its SHA-256. Changes apply to the running gateway before the call
 * returns, so a revoked key is refused by the next request (and by other instances once they see
 * the admin version move).
 */
import { keyDigest } from "../auth/key_ring.ts";
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import {
  deleteStoredKey,
  getStoredKey,
  listStoredKeys,
  putStoredKey,
  type StoredGatewayKeyEntry,
} from "../store/gateway_keys.ts";
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
import {
  keyConfigOf,
  keyMaterial,
  mergeKey,
  newGatewayKey,
  storedKey,
  validateKey,
} from "./stored_keys.ts";
import { type KeyView, keyView } from "./views.ts";

export interface KeyServiceDeps {
  kv: Deno.Kv;
  holder: GatewayHolder;
  overlay: StoredOverlay;
  now: () => number;
}

/** What creating a key returns: the key itself (shown this once) and its view. */
export interface CreatedKey {
  key: string;
  view: KeyView;
}

export class KeyService {
  constructor(private readonly deps: KeyServiceDeps) {}

  /** Every key: the file's first, in file order, then the stored ones by name. */
  async list(): Promise<KeyView[]> {
    const gateway = this.deps.holder.current;
    const now = new Date(this.deps.now());
    const views = gateway.file.config.keys.map((k) => keyView(k, { source: "file", now }));
    for (const entry of await listStoredKeys(this.deps.kv)) views.push(this.#view(entry));
    return views;
  }

  /** @throws {GatewayError} 404 */
  async get(name: string): Promise<KeyView> {
    const own = this.deps.holder.current.file.config.keys.find((k) => k.name === name);
    if (own) return keyView(own, { source: "file", now: new Date(this.deps.now()) });
    checkLookup("key", name);
    const entry = await getStoredKey(this.deps.kv, name);
    if (!entry) throw notFound("key", name);
    return this.#view(entry);
  }

  /** Makes a key. @throws {GatewayError} 400 naming the field, 409 */
  async create(body: unknown): Promise<CreatedKey> {
    const input = objectBody(body);
    const gateway = this.deps.holder.current;
    const config = validateKey(input, gateway);
    checkNewName("key", config.name);
    if (gateway.file.config.keys.some((k) => k.name === config.name)) {
      throw readOnly("key", config.name);
    }
    const key = newGatewayKey();
    const now = nowIso(this.deps.now);
    const record = storedKey(keyMaterial(key), input, { created_at: now, updated_at: now });
    if (!await putStoredKey(this.deps.kv, config.name, record, null)) {
      throw conflict(`Key ${JSON.stringify(config.name)} already exists`);
    }
    await applyChange(this.deps.holder, `key "${config.name}" created`);
    return { key, view: await this.get(config.name) };
  }

  /**
   * Changes fields of a stored key (`null` resets one); with `replace` (PUT) the body is the
   * whole key. The key itself never changes: make a new one to rotate it.
   * @throws {GatewayError} 400, 404, 409
   */
  async update(name: string, body: unknown, replace = false): Promise<KeyView> {
    const patch = withoutViewFields(objectBody(body));
    checkName("key", name, patch);
    const entry = await this.#stored(name);
    // A view sent back carries the key's hint as `key`: that is no attempt to set the key.
    if (patch.key === entry.value.hint) delete patch.key;
    const merged = mergeKey(replace ? { name } : { ...entry.value.config, name }, patch);
    validateKey(merged, this.deps.holder.current);
    if (merged.enabled === false) this.#keepOneKey(name);
    const record = storedKey(entry.value, merged, {
      created_at: entry.value.created_at,
      updated_at: nowIso(this.deps.now),
    });
    if (!await putStoredKey(this.deps.kv, name, record, entry.versionstamp)) {
      throw conflict(`Key ${JSON.stringify(name)} changed meanwhile: read it and try again`);
    }
    await applyChange(this.deps.holder, `key "${name}" updated`);
    return await this.get(name);
  }

  /** Turns a stored key on or off (off: refused with 401 from the next request). */
  setEnabled(name: string, enabled: boolean): Promise<KeyView> {
    return this.update(name, { enabled });
  }

  /** Deletes a stored key. @throws {GatewayError} 404, 409 */
  async remove(name: string): Promise<void> {
    const entry = await this.#stored(name);
    this.#keepOneKey(name);
    if (!await deleteStoredKey(this.deps.kv, name, entry.versionstamp)) {
      throw conflict(`Key ${JSON.stringify(name)} changed meanwhile: read it and try again`);
    }
    await applyChange(this.deps.holder, `key "${name}" deleted`);
  }

  #view(entry: StoredGatewayKeyEntry): KeyView {
    const { name, value } = entry;
    const left = this.deps.overlay.leftOut.keys.get(name);
    const meta = {
      source: "kv" as const,
      hint: value.hint,
      created_at: value.created_at,
      updated_at: value.updated_at,
      now: new Date(this.deps.now()),
    };
    const state = left
      ? {
        state: left.startsWith("the config file") ? "shadowed" as const : "invalid" as const,
        reason: left,
      }
      : undefined;
    const parsed = keyConfigOf(name, value);
    if (parsed.success) return keyView(parsed.data, meta, state);
    return {
      name,
      key: value.hint,
      enabled: false,
      expires: null,
      ...meta,
      now: undefined,
      ...(state ?? { state: "invalid" as const, reason: "malformed record" }),
    } as unknown as KeyView;
  }

  async #stored(name: string): Promise<StoredGatewayKeyEntry> {
    if (this.deps.holder.current.file.config.keys.some((k) => k.name === name)) {
      throw readOnly("key", name);
    }
    checkLookup("key", name);
    const entry = await getStoredKey(this.deps.kv, name);
    if (!entry) throw notFound("key", name);
    return entry;
  }

  /**
   * Refuses to take away the last usable key of a keyed gateway: with none it would serve anyone
   * on loopback, so the holder refuses such a snapshot, and the key would keep working.
   */
  #keepOneKey(name: string): void {
    const gateway = this.deps.holder.current;
    if (gateway.keys.open) return;
    const usable = gateway.config.keys.filter((k) =>
      k.enabled && keyDigest(k.key) !== undefined && k.name !== name
    );
    if (usable.length === 0) {
      throw new GatewayError(
        409,
        `Key ${
          JSON.stringify(name)
        } is the gateway's last usable key; without keys the gateway would serve anyone on ` +
          "loopback: add another key first",
        { code: "last_key" },
      );
    }
  }
}
