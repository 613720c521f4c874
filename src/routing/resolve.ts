/**
 * Model resolution: which channels serve a requested model, and under which upstream name.
 * Order of rules: alias → explicit `channel/model` (only for a model that channel serves) →
 * every enabled channel serving the model. Model names are data throughout: looked up with
 * `Object.hasOwn` and in `Set`s, so `constructor` or `__proto__` is just an unknown model.
 */
import { distance } from "fastest-levenshtein";
import type { GatewayKey } from "../auth/key_ring.ts";
import { GatewayError } from "../errors.ts";
import type { ModelCatalog } from "./catalog.ts";
import type { Channel } from "./channel.ts";

/** One channel that may serve the request. */
export interface Candidate {
  channel: Channel;
  /** The model name sent upstream (after `model_map`). */
  upstreamModel: string;
}

export interface Resolution {
  /** The model after aliases, without any channel prefix. */
  model: string;
  candidates: Candidate[];
}

/** Follows `aliases` (chains allowed, cycles stopped). */
export function applyAliases(model: string, aliases: Readonly<Record<string, string>>): string {
  const seen = new Set<string>();
  while (Object.hasOwn(aliases, model) && !seen.has(model)) {
    seen.add(model);
    model = aliases[model];
  }
  return model;
}

/** The upstream's name for `model` on `channel`: its `model_map` entry, else the same name. */
export function upstreamName(channel: Channel, model: string): string {
  const map = channel.config.model_map;
  return Object.hasOwn(map, model) ? map[model] : model;
}

/**
 * The channels that serve `requested`, in config order, before any key or endpoint filter.
 * @throws {GatewayError} 404 `model_not_found`, naming close matches `key` may use.
 */
export function resolve(
  requested: string,
  key: GatewayKey,
  channels: readonly Channel[],
  catalog: ModelCatalog,
  aliases: Readonly<Record<string, string>>,
): Resolution {
  const target = applyAliases(requested, aliases);
  const slash = target.indexOf("/");
  const explicit = slash > 0 ? channels.find((c) => c.name === target.slice(0, slash)) : undefined;
  if (explicit) {
    const model = applyAliases(target.slice(slash + 1), aliases);
    if (!catalog.serves(explicit, model)) throw unknownModel(requested, key, channels, catalog);
    return {
      model,
      candidates: [{ channel: explicit, upstreamModel: upstreamName(explicit, model) }],
    };
  }
  const serving = channels.filter((c) => catalog.serves(c, target));
  if (serving.length === 0) throw unknownModel(requested, key, channels, catalog);
  return {
    model: target,
    candidates: serving.map((channel) => ({
      channel,
      upstreamModel: upstreamName(channel, target),
    })),
  };
}

/** Every model id known now that `key` may use (on some channel it may use). */
export function knownModels(
  channels: readonly Channel[],
  catalog: ModelCatalog,
  key: GatewayKey,
): string[] {
  const names = new Set<string>();
  for (const channel of channels) {
    if (key.channels && !key.channels.has(channel.name)) continue;
    const models = catalog.modelsOf(channel);
    if (!models || models === "*") continue;
    for (const model of models) if (key.allowsModel(model, channel.name)) names.add(model);
  }
  return [...names];
}

function unknownModel(
  requested: string,
  key: GatewayKey,
  channels: readonly Channel[],
  catalog: ModelCatalog,
): GatewayError {
  const wanted = requested.toLowerCase();
  const near = knownModels(channels, catalog, key)
    .map((name) => ({ name, lower: name.toLowerCase() }))
    .map(({ name, lower }) => ({
      name,
      d: lower.includes(wanted) || wanted.includes(lower) ? 0 : distance(wanted, lower),
    }))
    .filter(({ name, d }) => d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map(({ name }) => `"${name}"`);
  const hint = near.length > 0 ? ` Did you mean ${near.join(" or ")}?` : "";
  return new GatewayError(404, `The model "${requested}" does not exist.${hint}`, {
    code: "model_not_found",
    param: "model",
  });
}
