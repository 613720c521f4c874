/**
 * `GET /v1/models`: every model the key may use, bare and as `channel/model`, plus aliases whose
 * target it may use. Channels whose list is fetched are asked first if not yet known.
 */
import type { Context } from "hono";
import type { GatewayEnv } from "../route.ts";

interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

export async function listModels(c: Context<GatewayEnv>): Promise<Response> {
  const gateway = c.get("gateway");
  const key = c.get("key");
  c.get("log").set({ endpoint: "models" });
  const pending = gateway.catalog.unknown(gateway.channels);
  if (pending.length > 0) await gateway.catalog.refresh(pending);
  const data = new Map<string, ModelEntry>();
  for (const channel of gateway.channels) {
    if (key.channels && !key.channels.has(channel.name)) continue;
    const models = gateway.catalog.modelsOf(channel);
    if (!models || models === "*") continue;
    for (const model of models) {
      if (!key.allowsModel(model, channel.name)) continue;
      const entry = { object: "model" as const, created: 0, owned_by: channel.name };
      if (!data.has(model)) data.set(model, { id: model, ...entry });
      data.set(`${channel.name}/${model}`, { id: `${channel.name}/${model}`, ...entry });
    }
  }
  for (const [alias, target] of Object.entries(gateway.config.routing.aliases)) {
    if (!data.has(alias) && key.allowsModel(target) && data.has(target)) {
      data.set(alias, { ...data.get(target)!, id: alias });
    }
  }
  return c.json({ object: "list", data: [...data.values()] });
}
