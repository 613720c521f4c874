/**
 * Gemini's API as a client API (what the `@google/genai` SDK and Gemini CLI call), under `/v1beta`
 * and `/v1`: `POST models/{model}:generateContent`, `:streamGenerateContent` (SSE with
 * `?alt=sse`, else a streamed JSON array), `:countTokens`, `:embedContent`,
 * `:batchEmbedContents`, and `GET models` / `GET models/{model}`. The model is routed like any
 * other (aliases, `channel/model` — its slash raw or as `%2F` — and failover). Errors here are
 * Google-shaped.
 *
 * `GET /v1/models/{id}` (and `/models/{id}`) is also how OpenAI's and Anthropic's SDKs look up a
 * model; those callers are told apart by their headers (`openai/models.ts#modelsDialect`) and get
 * their own shapes, errors included.
 */
import { type Context, Hono } from "hono";
import { GatewayError } from "../../errors.ts";
import { CLIENT_INPUT } from "../../formats/gemini/client_requests.ts";
import { snakeToCamel } from "../../formats/gemini/snake_to_camel.ts";
import { rawTarget } from "../../proxy/proxy_path.ts";
import { renderAnthropicError } from "../anthropic/errors.ts";
import { parseBody, readRequestText } from "../body.ts";
import { type ErrorRenderer, methodNotAllowed, onGatewayError } from "../on_error.ts";
import { renderOpenAIError } from "../openai/errors.ts";
import { findModel, modelsDialect, retrieveModel, visibleModels } from "../openai/models.ts";
import type { FormatRoutesOptions } from "../openai/routes.ts";
import { type GatewayEnv, routeRequest } from "../route.ts";
import { countTokens } from "./count_tokens.ts";
import { embedIngress } from "./embed.ts";
import { renderGeminiError } from "./errors.ts";
import { generateIngress } from "./generate.ts";
import { asJsonArrayResponse } from "./json_array_stream.ts";
import { geminiModel, geminiModelList } from "./models.ts";

type Ctx = Context<GatewayEnv>;

/** The methods a model answers, all by POST. */
const METHODS = new Set([
  "generateContent",
  "streamGenerateContent",
  "countTokens",
  "embedContent",
  "batchEmbedContents",
]);

export function geminiRoutes({ deps, auth, log }: FormatRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError((error, c) => onGatewayError(rendererFor(c), log)(error, c));
  const limits = (c: Ctx) => c.get("gateway").config.defaults;

  const call = async (c: Ctx, version: string) => {
    const { model, method } = target(c, version);
    if (method === undefined || !METHODS.has(method)) {
      throw new GatewayError(404, `Method "${method ?? ""}" of models/${model} does not exist`, {
        code: "unknown_method",
      });
    }
    const raw = await readRequestText(c.req.raw, limits(c).max_request_bytes);
    switch (method) {
      case "countTokens": {
        const client = parseBody(raw, CLIENT_INPUT.countTokens);
        return await countTokens(c, deps, model, { client, body: snakeToCamel(client), raw });
      }
      case "embedContent": {
        const client = parseBody(raw, CLIENT_INPUT.embed);
        const call = { endpoint: "embed_content", body: snakeToCamel(client) } as const;
        const ingress = embedIngress(call, client, raw, model);
        return await routeRequest(c, deps, { ingress, model, stream: false });
      }
      case "batchEmbedContents": {
        const client = parseBody(raw, CLIENT_INPUT.batchEmbed);
        const call = { endpoint: "batch_embed_contents", body: snakeToCamel(client) } as const;
        const ingress = embedIngress(call, client, raw, model);
        return await routeRequest(c, deps, { ingress, model, stream: false });
      }
    }
    const stream = method === "streamGenerateContent";
    const ingress = generateIngress(parseBody(raw, CLIENT_INPUT.generate), raw, model, stream);
    const response = await routeRequest(c, deps, { ingress, model, stream });
    return stream && c.req.query("alt") !== "sse"
      ? asJsonArrayResponse(response, limits(c).max_response_bytes)
      : response;
  };

  const lookup = async (c: Ctx, version: string) => {
    const { model, method } = target(c, version, false);
    if (method !== undefined) methodNotAllowed("POST");
    const dialect = modelsDialect(c.req.raw);
    if (version === "/v1beta" || dialect === "gemini") {
      c.get("log").set({ endpoint: "models", model });
      const found = await findModel(c.get("gateway"), c.get("key"), model);
      if (!found) {
        throw new GatewayError(404, `Model "models/${model}" is not found`, {
          code: "model_not_found",
        });
      }
      return c.json(geminiModel(found));
    }
    return await retrieveModel(c, model, dialect);
  };

  app.get("/v1beta/models", auth, async (c) => {
    c.get("log").set({ endpoint: "models" });
    const models = await visibleModels(c.get("gateway"), c.get("key"));
    return c.json(geminiModelList(models, new URL(c.req.url).searchParams));
  });
  app.all("/v1beta/models", () => methodNotAllowed("GET"));
  for (const version of ["/v1beta", "/v1", ""]) {
    if (version !== "") app.post(`${version}/models/*`, auth, (c) => call(c, version));
    app.get(`${version}/models/*`, auth, (c) => lookup(c, version));
    if (version !== "") {
      app.all(`${version}/models/*`, (c) => methodNotAllowed(hasMethod(c) ? "POST" : "GET"));
    }
  }
  return app;
}

/**
 * The model (decoded: `openai%2Fgpt-4o` is `openai/gpt-4o`) and method named by the raw path,
 * `{version}/models/{model}[:{method}]`. Only a known method is split off a lookup's path, since
 * model names may hold colons (`llama3.2:latest`).
 */
function target(c: Ctx, version: string, call = true): { model: string; method?: string } {
  const { path } = rawTarget(c.req.url);
  const prefix = `${version}/models/`;
  if (!path.startsWith(prefix)) {
    throw new GatewayError(404, `Unknown path ${c.req.method} ${c.req.path}`, {
      code: "unknown_path",
    });
  }
  let rest = path.slice(prefix.length);
  let method: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon !== -1 && (call || METHODS.has(rest.slice(colon + 1)))) {
    method = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let model: string;
  try {
    model = decodeURIComponent(rest);
  } catch {
    throw new GatewayError(400, `Invalid model name "${rest.slice(0, 80)}" in the path`, {
      code: "invalid_path",
    });
  }
  if (model === "") {
    throw new GatewayError(400, "The path names no model", { code: "invalid_path" });
  }
  return { model, method };
}

function hasMethod(c: Ctx): boolean {
  const path = rawTarget(c.req.url).path;
  return METHODS.has(path.slice(path.lastIndexOf(":") + 1));
}

/** Google's shape on Gemini's paths; a model lookup answers its caller's API. */
function rendererFor(c: Ctx): ErrorRenderer {
  const path = c.req.path;
  if (path.startsWith("/v1beta/") || hasMethod(c)) return renderGeminiError;
  const dialect = modelsDialect(c.req.raw);
  return dialect === "gemini"
    ? renderGeminiError
    : dialect === "anthropic"
    ? renderAnthropicError
    : renderOpenAIError;
}
