/**
 * The OpenAI-compatible client API: chat completions, legacy completions, embeddings and the
 * model list, under `/v1` and without it.
 */
import { Hono } from "hono";
import {
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
} from "../../formats/openai.ts";
import type { Endpoint } from "../../plugin/contract.ts";
import type { DispatchDeps } from "../../proxy/dispatch.ts";
import { openAIIngress } from "../../proxy/ingress.ts";
import { parseBody, readRequestText } from "../parse_body.ts";
import { type GatewayEnv, routeRequest } from "../route_request.ts";

type Env = GatewayEnv;

const SCHEMAS = {
  chat: ChatCompletionRequest,
  completions: CompletionRequest,
  embeddings: EmbeddingRequest,
} as const;

export function openAIRoutes(deps: DispatchDeps): Hono<Env> {
  const app = new Hono<Env>();

  const handle =
    (endpoint: Exclude<Endpoint, "messages">) => async (c: import("hono").Context<Env>) => {
      const body = parseBody(
        await readRequestText(c.req.raw, c.get("gateway").config.defaults.max_request_bytes),
        SCHEMAS[endpoint],
      );
      const stream = endpoint !== "embeddings" && body.stream === true;
      const streamOptions = (body as { stream_options?: { include_usage?: boolean } | null })
        .stream_options;
      return await routeRequest(c, deps, {
        ingress: openAIIngress(endpoint, body, streamOptions?.include_usage === true),
        model: body.model,
        stream,
      });
    };

  for (const prefix of ["/v1", ""]) {
    app.post(`${prefix}/chat/completions`, handle("chat"));
    app.post(`${prefix}/completions`, handle("completions"));
    app.post(`${prefix}/embeddings`, handle("embeddings"));
    app.get(`${prefix}/models`, async (c) => {
      const gateway = c.get("gateway");
      const key = c.get("key");
      const pending = gateway.catalog.unknown(gateway.channels);
      if (pending.length > 0) await gateway.catalog.refresh(pending);
      const data = new Map<
        string,
        { id: string; object: "model"; created: number; owned_by: string }
      >();
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
    });
  }
  return app;
}
