/**
 * OpenAI and every OpenAI-compatible upstream (vLLM, Ollama, LM Studio, DeepSeek, ...).
 * Requests pass through unchanged except for two things: streams ask for usage so every token
 * is counted, and the key goes in `Authorization: Bearer`. Presets are made with
 * {@link openaiCompatible}.
 */
import {
  definePlugin,
  type ModelsContext,
  type Plugin,
  type RequestContext,
  type UpstreamRequest,
  type WebSocketContext,
  type WebSocketTarget,
  z,
} from "../src/plugin/contract.ts";
import { withoutSignedReasoning } from "./_compat.ts";

export const openaiOptions = z.strictObject({
  /**
   * Ask streams for a final usage chunk (`stream_options.include_usage`). Turn off for servers
   * that reject the field. @default true
   */
  stream_usage: z.boolean().default(true),
  /**
   * Signed reasoning other providers sent (`reasoning_details`, and the `reasoning_content`
   * beside it) is dropped from the history: Chat Completions has no such field. `forward` keeps
   * it for upstreams that replay it themselves (OpenRouter). @default "drop"
   */
  reasoning_details: z.enum(["drop", "forward"]).default("drop"),
});
export type OpenAIOptions = z.infer<typeof openaiOptions>;

/** Streams ask for the usage chunk, so a stream's tokens are counted like a whole answer's. */
function askForStreamUsage(request: UpstreamRequest, ctx: RequestContext<OpenAIOptions>): void {
  if (!ctx.stream || !ctx.channel.options.stream_usage) return;
  if (request.endpoint !== "chat" && request.endpoint !== "completions") return;
  request.body.stream_options = { ...request.body.stream_options, include_usage: true };
}

/** The `openai` rewrite, which every preset runs before its own. */
function openaiRewrite(request: UpstreamRequest, ctx: RequestContext<OpenAIOptions>): void {
  askForStreamUsage(request, ctx);
  if (request.endpoint === "chat" && ctx.channel.options.reasoning_details === "drop") {
    withoutSignedReasoning(request.body);
  }
}

/** `GET /models` of an OpenAI-compatible upstream. */
async function listOpenAIModels(ctx: ModelsContext<unknown>): Promise<string[]> {
  const res = await ctx.fetch(`${ctx.channel.baseUrl}/models`, {
    headers: ctx.apiKey ? { authorization: `Bearer ${ctx.apiKey}` } : {},
    signal: ctx.signal,
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET /models answered ${res.status}`);
  }
  const list = await res.json() as { data?: { id?: unknown }[] };
  return (list.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === "string");
}

/**
 * OpenAI's Realtime WebSocket: `wss://…/v1/realtime?model=…` (the gateway's default URL) with the
 * key in `Authorization: Bearer`, as for HTTP; the client's subprotocols (`realtime`,
 * `openai-beta.realtime-v1`) go along, its `openai-insecure-api-key.*` one never does.
 * Source: developers.openai.com/api/docs/guides/realtime-websocket (checked 2026-12).
 */
export function openAIWebSocket(ctx: WebSocketContext<unknown>): WebSocketTarget {
  return { url: ctx.url, headers: ctx.apiKey ? { authorization: `Bearer ${ctx.apiKey}` } : {} };
}

const openai = definePlugin<OpenAIOptions>({
  name: "openai",
  description: "OpenAI API and any OpenAI-compatible server",
  defaults: { base_url: "https://api.openai.com/v1" },
  options: openaiOptions,
  // Responses natively; the presets below serve it converted to chat.
  endpoints: ["chat", "completions", "embeddings", "responses"],
  rewriteRequest: openaiRewrite,
  listModels: listOpenAIModels,
  openWebSocket: openAIWebSocket,
});
export default openai;

/** What makes an OpenAI-compatible upstream different from OpenAI itself. */
export interface Preset<O extends OpenAIOptions> {
  name: string;
  description: string;
  base_url: string;
  /** @default true */
  requiresKey?: boolean;
  /** Options, extending `openaiOptions`. */
  options?: z.ZodType<O>;
  /** Runs after the `openai` rewrite (stream usage, foreign signed reasoning out). */
  rewrite?(request: UpstreamRequest, ctx: RequestContext<O>): void;
  extractUsage?: Plugin<O>["extractUsage"];
  listModels?: Plugin<O>["listModels"];
  /** How its WebSocket opens; without it the preset serves no WebSocket. */
  openWebSocket?: Plugin<O>["openWebSocket"];
}

/**
 * A plugin for an OpenAI-compatible upstream: the `openai` plugin with its own name, default
 * URL and the few differences it needs.
 *
 * @example
 * ```ts
 * export default openaiCompatible({
 *   name: "acme",
 *   description: "Acme's OpenAI-compatible API",
 *   base_url: "https://api.acme.example/v1",
 *   rewrite(request) {
 *     if (request.endpoint === "chat") delete request.body.logit_bias;
 *   },
 * });
 * ```
 */
export function openaiCompatible<O extends OpenAIOptions = OpenAIOptions>(
  preset: Preset<O>,
): Plugin<O> {
  const rewrite = preset.rewrite;
  return definePlugin<O>({
    name: preset.name,
    description: preset.description,
    defaults: { base_url: preset.base_url },
    ...(preset.requiresKey === false ? { requiresKey: false } : {}),
    options: preset.options ?? (openaiOptions as unknown as z.ZodType<O>),
    rewriteRequest: rewrite
      ? (request, ctx) => {
        openaiRewrite(request, ctx);
        rewrite(request, ctx);
      }
      : openaiRewrite,
    listModels: preset.listModels ?? listOpenAIModels,
    ...(preset.extractUsage ? { extractUsage: preset.extractUsage } : {}),
    ...(preset.openWebSocket ? { openWebSocket: preset.openWebSocket } : {}),
  });
}
