/**
 * The Models page: who serves what, from the model catalog (configured lists, and lists fetched
 * from upstreams once known), each model with the upstream name its channel is sent and the
 * price that applies there (`effectivePrice`: configured, else the built-in list price).
 */
import type { Gateway } from "../../gateway/build.ts";
import { effectivePrice, type ModelPrice } from "../../usage/price.ts";

export interface Serving {
  channel: string;
  upstream: string;
  priority: number;
  price?: ModelPrice;
}

export interface ModelRow {
  model: string;
  servedBy: Serving[];
}

export interface ModelsView {
  models: ModelRow[];
  /** Channels that take any model name (`models: "*"`). */
  anyModel: string[];
  /** Channels whose list is fetched from the upstream and not known yet. */
  unknown: string[];
  aliases: [string, string][];
}

export function modelsView(gateway: Gateway): ModelsView {
  const byModel = new Map<string, Serving[]>();
  const anyModel: string[] = [];
  const unknown: string[] = [];
  for (const channel of gateway.channels) {
    const models = gateway.catalog.modelsOf(channel);
    if (models === "*") anyModel.push(channel.name);
    else if (models === undefined) unknown.push(channel.name);
    if (models === "*" || models === undefined) continue;
    for (const model of models) {
      const upstream = Object.hasOwn(channel.config.model_map, model)
        ? channel.config.model_map[model]
        : model;
      const list = byModel.get(model) ?? [];
      list.push({
        channel: channel.name,
        upstream,
        priority: channel.config.priority,
        price: effectivePrice(channel.config.price, model, upstream),
      });
      byModel.set(model, list);
    }
  }
  const models = [...byModel].sort(([a], [b]) => a.localeCompare(b)).map(([model, servedBy]) => ({
    model,
    servedBy: servedBy.sort((a, b) =>
      a.priority - b.priority || a.channel.localeCompare(b.channel)
    ),
  }));
  const aliases = Object.entries(gateway.config.routing.aliases).sort(([a], [b]) =>
    a.localeCompare(b)
  );
  return { models, anyModel, unknown, aliases };
}
