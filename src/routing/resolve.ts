/**
 * Model resolution: which channels may serve a request, and under which upstream model name.
 * Order of rules: alias → explicit `channel/model` → every enabled channel serving the model;
 * then the key's channel and model allow-lists.
 */
import { distance } from "fastest-levenshtein";
import type { GatewayKey } from "../auth/key_ring.ts";
import { GatewayError } from "../http/errors.ts";
import type { Endpoint } from "../plugin/contract.ts";
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

export interface ResolveInput {
  requested: string;
  endpoint: Endpoint;
  key: GatewayKey;
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

/**
 * The channels that may serve `input.requested`, in config order.
 * @throws {GatewayError} 404 for an unknown model (naming close matches), 403 when the key may
 * not use any channel or model that would serve it.
 */
export function resolve(
  input: ResolveInput,
  channels: readonly Channel[],
  catalog: ModelCatalog,
  aliases: Readonly<Record<string, string>>,
): Resolution {
  const target = applyAliases(input.requested, aliases);
  let model = target;
  let serving: Channel[];
  const slash = target.indexOf("/");
  const explicit = slash > 0 ? channels.find((c) => c.name === target.slice(0, slash)) : undefined;
  if (explicit) {
    model = applyAliases(target.slice(slash + 1), aliases);
    serving = [explicit];
  } else {
    serving = channels.filter((c) => catalog.serves(c, target));
  }
  if (serving.length === 0) throw unknownModel(input.requested, channels, catalog);

  const byChannel = serving.filter((c) => !input.key.channels || input.key.channels.has(c.name));
  if (byChannel.length === 0) {
    throw new GatewayError(
      403,
      `Key "${input.key.name}" may not use channel ${
        serving.map((c) => `"${c.name}"`).join(", ")
      } that serve${serving.length === 1 ? "s" : ""} model "${model}"`,
      { code: "channel_not_allowed", param: "model" },
    );
  }
  const allowed = byChannel.filter((c) => input.key.allowsModel(model, c.name));
  if (allowed.length === 0) {
    throw new GatewayError(403, `Key "${input.key.name}" may not use model "${model}"`, {
      code: "model_not_allowed",
      param: "model",
    });
  }
  const forEndpoint = allowed.filter((c) => supports(c, input.endpoint));
  if (forEndpoint.length === 0) {
    throw new GatewayError(
      400,
      `Model "${model}" is not served for /${endpointPath(input.endpoint)} by ${
        allowed.map((c) => `"${c.name}"`).join(", ")
      }`,
      { code: "unsupported_endpoint", param: "model" },
    );
  }
  return {
    model,
    candidates: forEndpoint.map((channel) => ({
      channel,
      upstreamModel: channel.config.model_map[model] ?? model,
    })),
  };
}

/** Whether a channel can serve `endpoint`, natively or by conversion. */
export function supports(channel: Channel, endpoint: Endpoint): boolean {
  // Anthropic Messages requests are converted to chat for channels that lack them.
  return channel.endpoints.has(endpoint) ||
    (endpoint === "messages" && channel.endpoints.has("chat"));
}

function endpointPath(endpoint: Endpoint): string {
  return endpoint === "chat" ? "chat/completions" : endpoint;
}

/** Every model id known now, bare and as `channel/model`. */
export function knownModels(channels: readonly Channel[], catalog: ModelCatalog): string[] {
  const names = new Set<string>();
  for (const channel of channels) {
    const models = catalog.modelsOf(channel);
    if (!models || models === "*") continue;
    for (const model of models) names.add(model);
  }
  return [...names];
}

function unknownModel(requested: string, channels: readonly Channel[], catalog: ModelCatalog) {
  const wanted = requested.toLowerCase();
  const near = knownModels(channels, catalog)
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
