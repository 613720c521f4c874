/**
 * Model discovery: `GET /v1/models` and `GET /v1/models/{id}`. Three client APIs share these
 * paths, so the shape answers to who asks: a request with `anthropic-version` gets Anthropic's
 * (`data[{type, id, display_name, created_at}]`, paged by `limit` / `after_id` / `before_id`), a
 * Google key (`x-goog-api-key`, `?key=`) Gemini's (`gemini/models.ts`), anyone else OpenAI's.
 *
 * What is listed: every model the key may use, bare and as `channel/model`, plus aliases whose
 * target it may use; channels whose list is fetched are asked first if not yet known. A model
 * the key may not use is as unknown as one that does not exist (404), so a list never leaks.
 *
 * Reference: https://platform.openai.com/docs/api-reference/models/retrieve and
 * https://platform.claude.com/docs/en/api/models-list (ModelInfo, paging, `limit` 1..1000).
 */
import type { Context } from "hono";
import type { GatewayKey } from "../../auth/key_ring.ts";
import { GatewayError } from "../../errors.ts";
import type { Gateway } from "../../gateway/build.ts";
import { resolve } from "../../routing/resolve.ts";
import { renderAnthropicError } from "../anthropic/errors.ts";
import { geminiModelList } from "../gemini/models.ts";
import type { GatewayEnv } from "../route.ts";

/** One model a key may use, and the channel that lists it. */
export interface VisibleModel {
  id: string;
  ownedBy: string;
}

export type ModelsDialect = "openai" | "anthropic" | "gemini";

/** Which API's shape the caller of a models path expects, from its headers and query. */
export function modelsDialect(request: Request): ModelsDialect {
  const headers = request.headers;
  if (headers.has("anthropic-version")) return "anthropic";
  if (headers.has("x-goog-api-key") || headers.has("x-goog-api-client")) return "gemini";
  return /[?&]key=/.test(request.url) ? "gemini" : "openai";
}

/** Every model `key` may use, in config order (fetching unknown lists first). */
export async function visibleModels(gateway: Gateway, key: GatewayKey): Promise<VisibleModel[]> {
  const pending = gateway.catalog.unknown(gateway.channels);
  if (pending.length > 0) await gateway.catalog.refresh(pending);
  const data = new Map<string, VisibleModel>();
  for (const channel of gateway.channels) {
    if (key.channels && !key.channels.has(channel.name)) continue;
    const models = gateway.catalog.modelsOf(channel);
    if (!models || models === "*") continue;
    for (const model of models) {
      if (!key.allowsModel(model, channel.name)) continue;
      if (!data.has(model)) data.set(model, { id: model, ownedBy: channel.name });
      const explicit = `${channel.name}/${model}`;
      data.set(explicit, { id: explicit, ownedBy: channel.name });
    }
  }
  for (const [alias, target] of Object.entries(gateway.config.routing.aliases)) {
    if (!data.has(alias) && key.allowsModel(target) && data.has(target)) {
      data.set(alias, { ...data.get(target)!, id: alias });
    }
  }
  return [...data.values()];
}

/**
 * The model `id` names for `key`, if it may use it: a listed one, or one a channel serving any
 * model (`models: "*"`) would take, as routing would resolve it.
 */
export async function findModel(
  gateway: Gateway,
  key: GatewayKey,
  id: string,
): Promise<VisibleModel | undefined> {
  const listed = (await visibleModels(gateway, key)).find((m) => m.id === id);
  if (listed) return listed;
  try {
    const { model, candidates } = resolve(
      id,
      key,
      gateway.channels,
      gateway.catalog,
      gateway.config.routing.aliases,
    );
    const usable = candidates.find((c) =>
      (!key.channels || key.channels.has(c.channel.name)) && key.allowsModel(model, c.channel.name)
    );
    return usable && { id, ownedBy: usable.channel.name };
  } catch (error) {
    if (error instanceof GatewayError && error.status === 404) return undefined;
    throw error;
  }
}

/** `GET /v1/models` in the caller's shape. */
export async function listModels(c: Context<GatewayEnv>): Promise<Response> {
  c.get("log").set({ endpoint: "models" });
  const models = await visibleModels(c.get("gateway"), c.get("key"));
  switch (modelsDialect(c.req.raw)) {
    case "anthropic":
      try {
        return c.json(anthropicPage(models, new URL(c.req.url).searchParams));
      } catch (error) {
        // This path's sub-app renders OpenAI's shape; an Anthropic client gets its own.
        if (!(error instanceof GatewayError)) throw error;
        return renderAnthropicError(error, c.get("requestId"));
      }
    case "gemini":
      return c.json(geminiModelList(models, new URL(c.req.url).searchParams));
    default:
      return c.json({ object: "list", data: models.map(openAIModel) });
  }
}

/** `GET /v1/models/{id}` for OpenAI and Anthropic clients. @throws {GatewayError} 404. */
export async function retrieveModel(
  c: Context<GatewayEnv>,
  id: string,
  dialect: "openai" | "anthropic",
): Promise<Response> {
  c.get("log").set({ endpoint: "models", model: id });
  const model = await findModel(c.get("gateway"), c.get("key"), id);
  if (!model) {
    throw new GatewayError(
      404,
      `The model "${id}" does not exist or you do not have access to it`,
      {
        type: dialect === "anthropic" ? "not_found_error" : "invalid_request_error",
        code: "model_not_found",
        param: "model",
      },
    );
  }
  return c.json(dialect === "anthropic" ? anthropicModel(model) : openAIModel(model));
}

function openAIModel(model: VisibleModel) {
  return { id: model.id, object: "model" as const, created: 0, owned_by: model.ownedBy };
}

/** Release dates are unknown here; Anthropic's docs allow the epoch for that. */
function anthropicModel(model: VisibleModel) {
  return {
    type: "model" as const,
    id: model.id,
    display_name: model.id,
    created_at: "1970-01-01T00:00:00Z",
  };
}

/** One page of Anthropic's list: `limit` (default 20, 1..1000) after or before a cursor id. */
function anthropicPage(models: VisibleModel[], query: URLSearchParams) {
  const limitText = query.get("limit") ?? "20";
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new GatewayError(400, `limit: "${limitText}" is not an integer from 1 to 1000`, {
      type: "invalid_request_error",
      param: "limit",
    });
  }
  const ids = models.map((m) => m.id);
  const before = query.get("before_id");
  const after = query.get("after_id");
  let start = 0;
  let end = Math.min(models.length, limit);
  if (before !== null) {
    end = Math.max(0, ids.indexOf(before));
    start = Math.max(0, end - limit);
  } else if (after !== null) {
    const at = ids.indexOf(after);
    start = at === -1 ? models.length : at + 1;
    end = Math.min(models.length, start + limit);
  }
  const page = models.slice(start, end).map(anthropicModel);
  return {
    data: page,
    has_more: before !== null ? start > 0 : end < models.length,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  };
}
