/**
 * Google Gemini (Google AI, `generativelanguage.googleapis.com`) behind the OpenAI API: chat is
 * converted to `generateContent` / `streamGenerateContent?alt=sse`, embeddings to
 * `batchEmbedContents`, and answers, stream events, usage and errors back. The key goes in
 * `x-goog-api-key`. The converters live in `src/formats/gemini/`, reached as `gemini.*`.
 */
import {
  definePlugin,
  gemini,
  type RequestContext,
  type SseEvent,
  UpstreamError,
  type Usage,
  z,
} from "../src/plugin/contract.ts";

const options = z.strictObject({
  /**
   * Sent as `safetySettings` on every chat request, e.g.
   * `[{ category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_ONLY_HIGH }]`. @default none
   */
  safety_settings: z.array(z.strictObject({ category: z.string(), threshold: z.string() }))
    .optional(),
  /**
   * Defaults for Gemini's `generationConfig` (e.g. `topK`, `thinkingConfig`); the request's own
   * settings win. @default none
   */
  generation_config: z.record(z.string(), z.unknown()).optional(),
  /**
   * Send tool parameters and response schemas as full JSON Schema (`parametersJsonSchema`,
   * `responseJsonSchema`) instead of converting them to Gemini's OpenAPI subset. Gemini 2.5 and
   * newer accept it. @default false
   */
  json_schema: z.boolean().default(false),
  /** Gemini's `taskType` for embeddings, e.g. `RETRIEVAL_DOCUMENT`. @default none */
  embedding_task_type: z.string().optional(),
});
type Options = z.infer<typeof options>;

/** What the response hooks of a non-stream call need to know about its request. */
interface Pending {
  promptTokens: number;
  encoding: "float" | "base64";
}

/** Per-call facts from `rewriteRequest`, keyed by the call's context object (one per attempt). */
const pending = new WeakMap<object, Pending>();

export default definePlugin<Options, gemini.GeminiStreamState>({
  name: "gemini",
  description: "Google Gemini API (generateContent, streaming, embeddings)",
  defaults: { base_url: "https://generativelanguage.googleapis.com/v1beta" },
  options,
  // Gemini's own methods too: Gemini clients (`/v1beta/models/...`) get their request natively.
  endpoints: [
    "chat",
    "embeddings",
    "generate_content",
    "count_tokens",
    "embed_content",
    "batch_embed_contents",
  ],

  rewriteRequest(request, ctx) {
    const o = ctx.channel.options;
    const model = `${ctx.channel.baseUrl}/${gemini.modelPath(ctx.model)}`;
    const native = NATIVE_METHODS[request.endpoint];
    if (native) {
      const stream = request.endpoint === "generate_content" && ctx.stream;
      return {
        url: `${model}:${stream ? "streamGenerateContent?alt=sse" : native}`,
        headers: request.headers,
        body: nativeBody(request.body, ctx.model),
      };
    }
    if (request.endpoint === "embeddings") {
      const converted = gemini.embeddingsToGemini(request.body, ctx.model, {
        taskType: o.embedding_task_type,
      });
      pending.set(ctx, {
        promptTokens: converted.promptTokens,
        encoding: request.body.encoding_format === "base64" ? "base64" : "float",
      });
      return { url: `${model}:batchEmbedContents`, headers: request.headers, body: converted.body };
    }
    if (request.endpoint !== "chat") return;
    return {
      url: ctx.stream ? `${model}:streamGenerateContent?alt=sse` : `${model}:generateContent`,
      headers: request.headers,
      body: gemini.chatToGemini(request.body, {
        model: ctx.model,
        jsonSchema: o.json_schema,
        fillMissingSignatures: gemini.requiresThoughtSignature(ctx.model),
        safetySettings: o.safety_settings,
        generationConfig: o.generation_config,
      }),
    };
  },

  injectHeaders(headers, ctx) {
    headers.delete("authorization");
    if (ctx.apiKey) headers.set("x-goog-api-key", ctx.apiKey);
  },

  transformResponse(body, ctx) {
    if (NATIVE_METHODS[ctx.endpoint]) return body;
    if (ctx.endpoint === "embeddings") {
      const call = pending.get(ctx);
      return gemini.geminiToEmbeddings(body, {
        model: ctx.model,
        encoding: call?.encoding,
        promptTokens: call?.promptTokens ?? 0,
      });
    }
    return gemini.geminiToChat(body, {
      model: ctx.model,
      id: ctx.requestId,
      nextCallId: gemini.callIdMaker(ctx.requestId),
    });
  },

  transformError(status, body) {
    return gemini.geminiErrorToFailure(status, body);
  },

  createStreamState(ctx) {
    return gemini.createStreamState({ model: ctx.model, requestId: ctx.requestId });
  },

  transformStreamEvent(event, ctx) {
    if (NATIVE_METHODS[ctx.endpoint]) return [checkedNativeEvent(event)];
    return gemini.geminiChunkToChat(event.data, ctx.state).map((chunk) => ({
      data: JSON.stringify(chunk),
    }));
  },

  endStream(ctx) {
    if (NATIVE_METHODS[ctx.endpoint]) return [];
    return gemini.endGeminiStream(ctx.state).map((chunk) => ({ data: JSON.stringify(chunk) }));
  },

  extractUsage(data, ctx) {
    return usageOf(data, ctx);
  },

  // Native calls name the model in the path: `/v1beta/models/{model}:generateContent`.
  nativeModel(call) {
    const match = /\/(?:models|tunedModels)\/([^/:]+)(?::|$)/.exec(call.path);
    if (match) return match[1];
    const model = (call.body as { model?: unknown } | undefined)?.model;
    return typeof model === "string" ? model.replace(/^models\//, "") : undefined;
  },

  listModels(ctx) {
    return gemini.listGeminiModels(
      (url) =>
        ctx.fetch(url, {
          headers: ctx.apiKey ? { "x-goog-api-key": ctx.apiKey } : {},
          signal: ctx.signal,
        }),
      ctx.channel.baseUrl,
    );
  },
});

/** Gemini's method for each endpoint a Gemini client calls natively. */
const NATIVE_METHODS: Partial<Record<string, string>> = {
  generate_content: "generateContent",
  count_tokens: "countTokens",
  embed_content: "embedContent",
  batch_embed_contents: "batchEmbedContents",
};

/**
 * A Gemini client's own body for the upstream: without the `model` and `stream` fields the
 * gateway's draft adds (Gemini names the model in the URL), and with every model the body names
 * set to the channel's (an alias or `channel/model` prefix means nothing to Google).
 */
function nativeBody(draft: Record<string, unknown>, model: string): Record<string, unknown> {
  const { model: _model, stream: _stream, ...body } = draft;
  const resource = gemini.modelResource(model);
  if (Array.isArray(body.requests)) {
    body.requests = body.requests.map((r) => ({ ...r, model: resource }));
  }
  const inner = body.generateContentRequest as Record<string, unknown> | undefined;
  if (inner && typeof inner === "object") {
    body.generateContentRequest = { ...inner, model: resource };
  }
  return body;
}

/** A native stream's event, passed as it came; an error object in it is the upstream's error. */
function checkedNativeEvent(event: SseEvent): SseEvent {
  if (!event.data.includes('"error"')) return event;
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    return event;
  }
  const failure = gemini.geminiErrorToFailure(502, json);
  if (failure) throw new UpstreamError(failure.status, failure.message, failure.type);
  return event;
}

/** Usage from a Gemini body or stream event; embeddings fall back to the estimate. */
function usageOf(data: unknown, ctx: RequestContext<Options>): Usage | undefined {
  const metadata = (data as { usageMetadata?: gemini.UsageMetadata } | undefined)?.usageMetadata;
  const usage = gemini.usageOf(metadata);
  if (usage || ctx.endpoint !== "embeddings") return usage;
  const call = pending.get(ctx);
  return call && { prompt_tokens: call.promptTokens, total_tokens: call.promptTokens };
}
