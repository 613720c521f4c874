/**
 * A local upstream that echoes the last user message back, streaming or not, with usage. It needs
 * no key and no network, so a fresh install can see a full round trip, stats and dashboard.
 */
import {
  type ChatCompletionRequest,
  type CompletionRequest,
  definePlugin,
  type EmbeddingRequest,
  estimatePromptTokens,
  estimateTokens,
  type Usage,
  z,
} from "../src/plugin/contract.ts";

const options = z.strictObject({
  /** Fixed reply; by default the last user message is echoed. */
  reply: z.string().optional(),
  /** Pause between streamed chunks, to watch a stream arrive. @default 0 */
  chunk_delay_ms: z.number().int().min(0).max(10_000).default(0),
  /** Model ids it claims to serve. @default ["echo"] */
  models: z.array(z.string()).default(["echo"]),
});
type Options = z.infer<typeof options>;

export default definePlugin({
  name: "echo",
  description: "Answers locally by echoing the prompt; needs no key",
  requiresKey: false,
  // Never fetched: `respond` answers every call. A URL keeps request building uniform.
  defaults: { base_url: "echo://local" },
  options,

  respond(request, ctx) {
    const created = Math.floor(Date.now() / 1000);
    const id = `echo-${ctx.requestId}`;
    const o = ctx.channel.options;
    switch (ctx.endpoint) {
      case "embeddings":
        return Response.json(embeddings(request.body as EmbeddingRequest, ctx.model));
      case "completions": {
        const body = request.body as CompletionRequest;
        const prompt = Array.isArray(body.prompt) ? body.prompt.join("\n") : String(body.prompt);
        const text = o.reply ?? `echo: ${prompt}`;
        const usage = usageOf(estimateTokens(prompt), text);
        if (!ctx.stream) {
          return Response.json({
            id,
            object: "text_completion",
            created,
            model: ctx.model,
            choices: [{ index: 0, text, finish_reason: "stop", logprobs: null }],
            usage,
          });
        }
        const chunk = (piece: string, finish: string | null) => ({
          id,
          object: "text_completion",
          created,
          model: ctx.model,
          choices: [{ index: 0, text: piece, finish_reason: finish, logprobs: null }],
        });
        return sse(
          [...words(text).map((w) => chunk(w, null)), chunk("", "stop")],
          { ...chunk("", null), choices: [], usage },
          o,
          ctx.signal,
        );
      }
      default: {
        const body = request.body as ChatCompletionRequest;
        const text = o.reply ?? `echo: ${lastUserText(body)}`;
        const usage = usageOf(estimatePromptTokens(body.messages), text);
        if (!ctx.stream) {
          return Response.json({
            id,
            object: "chat.completion",
            created,
            model: ctx.model,
            choices: [{
              index: 0,
              message: { role: "assistant", content: text, refusal: null },
              finish_reason: "stop",
              logprobs: null,
            }],
            usage,
          });
        }
        const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
          id,
          object: "chat.completion.chunk",
          created,
          model: ctx.model,
          choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
        });
        return sse(
          [
            chunk({ role: "assistant", content: "" }, null),
            ...words(text).map((w) => chunk({ content: w }, null)),
            chunk({}, "stop"),
          ],
          { ...chunk({}, null), choices: [], usage },
          o,
          ctx.signal,
        );
      }
    }
  },

  listModels(ctx) {
    return Promise.resolve(ctx.channel.options.models);
  },
});

function lastUserText(body: ChatCompletionRequest): string {
  const last = body.messages.findLast((m) => m.role === "user") ?? body.messages.at(-1);
  const content = last?.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => typeof part.text === "string" ? part.text : "").join("");
  }
  return "";
}

function usageOf(promptTokens: number, completion: string): Usage {
  const completionTokens = estimateTokens(completion);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** Splits text into word-sized pieces that concatenate back to exactly `text`. */
function words(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

/** An OpenAI-style stream. The usage chunk is always sent, as `stream_options.include_usage`
 * would ask for: the gateway counts it and drops it for clients that did not ask. */
function sse(chunks: unknown[], usageChunk: unknown, o: Options, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  const events = [...chunks, usageChunk];
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const event of events) {
        if (signal.aborted) return;
        if (o.chunk_delay_ms > 0) await new Promise((r) => setTimeout(r, o.chunk_delay_ms));
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
      }
      controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** Deterministic unit vectors derived from the input text, so tests can compare them. */
function embeddings(body: EmbeddingRequest, model: string) {
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  const dims = body.dimensions ?? 8;
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    const text = typeof input === "string" ? input : JSON.stringify(input);
    promptTokens += estimateTokens(text);
    const vector = Array.from({ length: dims }, (_, i) => {
      let h = 2166136261 ^ i;
      for (let j = 0; j < text.length; j++) h = Math.imul(h ^ text.charCodeAt(j), 16777619);
      return ((h >>> 0) / 0xffffffff) * 2 - 1;
    });
    const norm = Math.hypot(...vector) || 1;
    return { object: "embedding", index, embedding: vector.map((v) => v / norm) };
  });
  return {
    object: "list",
    data,
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
