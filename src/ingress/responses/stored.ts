/**
 * Stored responses as the client reaches them: `previous_response_id` resolved for a new request,
 * and `GET`/`DELETE /v1/responses/{id}`, `GET /v1/responses/{id}/input_items`,
 * `POST /v1/responses/{id}/cancel`. Emulated responses answer from KV; native ones are asked of
 * the channel that stores them (`forward.ts`). A response belongs to the gateway key that
 * created it: any other key gets the same 404 as for an id that never existed.
 *
 * Shapes: the deleted object `{id, object: "response", deleted: true}` and the input item list
 * `{object: "list", data, first_id, last_id, has_more}` (default order `desc`, `limit` 1–100,
 * default 20, `after` an item id), from platform.openai.com/docs/api-reference/responses.
 */
import type { Context } from "hono";
import { GatewayError } from "../../errors.ts";
import type { Item } from "../../formats/responses/input_items.ts";
import type { ProxyDeps } from "../../proxy/scope.ts";
import {
  findResponse,
  forgetResponse,
  loadConversation,
  type StoredResponse,
} from "../../store/responses.ts";
import type { GatewayEnv } from "../route.ts";
import { forwardToChannel } from "./forward.ts";

/** What a follow-up request continues: a pinned channel, or a stored conversation. */
export interface Continuation {
  pinnedChannel?: string;
  history?: Item[];
}

/**
 * Resolves `previous_response_id` for key `keyName`. An unknown id (or another key's) is OpenAI's
 * 400 `previous_response_not_found`, word for word.
 * @throws {GatewayError}
 */
export async function continuation(
  kv: Deno.Kv,
  id: string | null | undefined,
  keyName: string,
): Promise<Continuation> {
  if (!id) return {};
  const notFound = () =>
    new GatewayError(400, `Previous response with id '${id}' not found.`, {
      code: "previous_response_not_found",
      param: "previous_response_id",
    });
  const stored = await findResponse(kv, id, keyName);
  if (!stored) throw notFound();
  if (stored.kind === "native") return { pinnedChannel: stored.channel };
  const conversation = await loadConversation(kv, id, stored);
  if (!conversation) throw notFound();
  return { history: [...conversation.input, ...conversation.response.output] };
}

export class StoredRoutes {
  constructor(private readonly kv: Deno.Kv, private readonly deps: ProxyDeps) {}

  async retrieve(c: Context<GatewayEnv>): Promise<Response> {
    const { id, stored } = await this.#find(c, "responses.retrieve");
    if (stored.kind === "native") {
      return await forwardToChannel(c, this.deps, stored, id, "GET", "");
    }
    return c.json((await this.#conversation(id, stored)).response);
  }

  async remove(c: Context<GatewayEnv>): Promise<Response> {
    const { id, stored } = await this.#find(c, "responses.delete");
    if (stored.kind === "native") {
      const answer = await forwardToChannel(c, this.deps, stored, id, "DELETE", "");
      if (answer.ok || answer.status === 404) await forgetResponse(this.kv, id);
      return answer;
    }
    await forgetResponse(this.kv, id);
    return c.json({ id, object: "response", deleted: true });
  }

  async inputItems(c: Context<GatewayEnv>): Promise<Response> {
    const { id, stored } = await this.#find(c, "responses.input_items");
    if (stored.kind === "native") {
      return await forwardToChannel(c, this.deps, stored, id, "GET", "/input_items");
    }
    const { input } = await this.#conversation(id, stored);
    return c.json(page(input, new URL(c.req.url).searchParams));
  }

  async cancel(c: Context<GatewayEnv>): Promise<Response> {
    const { id, stored } = await this.#find(c, "responses.cancel");
    if (stored.kind === "native") {
      return await forwardToChannel(c, this.deps, stored, id, "POST", "/cancel");
    }
    throw new GatewayError(400, "Only responses created with background: true can be cancelled", {
      code: "invalid_request",
      param: "response_id",
    });
  }

  async #find(c: Context<GatewayEnv>, endpoint: string) {
    c.get("log").set({ endpoint });
    const id = c.req.param("id") ?? "";
    const key = c.get("key");
    const stored = id.length <= 200 ? await findResponse(this.kv, id, key.name) : undefined;
    if (!stored) throw notFound(id);
    if (key.channels && !key.channels.has(stored.channel)) {
      throw new GatewayError(403, `Key "${key.name}" may not use channel "${stored.channel}"`, {
        code: "channel_not_allowed",
      });
    }
    return { id, stored };
  }

  async #conversation(id: string, stored: StoredResponse) {
    const conversation = await loadConversation(this.kv, id, stored);
    if (!conversation) throw notFound(id);
    return conversation;
  }
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, `Response with id '${id.slice(0, 200)}' not found.`, {
    param: "response_id",
  });
}

/** One page of `items`, as OpenAI lists input items. */
export function page(items: readonly Item[], query: URLSearchParams) {
  const order = query.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") {
    throw new GatewayError(400, `Invalid value for 'order': "${order}" is not asc or desc`, {
      param: "order",
    });
  }
  const limit = Number(query.get("limit") ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new GatewayError(400, `Invalid value for 'limit': expected 1 to 100`, { param: "limit" });
  }
  const ordered = order === "asc" ? [...items] : [...items].reverse();
  const after = query.get("after");
  const start = after ? ordered.findIndex((item) => item.id === after) + 1 : 0;
  const data = ordered.slice(start, start + limit);
  return {
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + limit < ordered.length,
  };
}
