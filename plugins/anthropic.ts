/**
 * Anthropic's Messages API. Anthropic clients (`/v1/messages`) pass straight through: only the
 * key and version headers are set and usage is read. OpenAI chat requests are converted to
 * Messages and the answers, streamed or not, converted back.
 */
import { anthropic, definePlugin, UpstreamError, type Usage, z } from "../src/plugin/contract.ts";

const options = z.strictObject({
  /** `max_tokens` for OpenAI requests that set none; Anthropic requires it. @default 4096 */
  max_tokens: z.number().int().positive().default(4096),
  /** The `anthropic-version` header. @default "2023-06-01" */
  version: z.string().min(1).default("2023-06-01"),
  /** Beta features, sent as `anthropic-beta` (e.g. `["prompt-caching-2024-07-31"]`). */
  beta: z.union([z.string(), z.array(z.string())]).optional(),
  /**
   * How `reasoning_effort` reaches the model: `budget` (`thinking.budget_tokens`, Claude 4.5 and
   * before) or `adaptive` (`thinking: {type: "adaptive"}` + `output_config.effort`, Claude 4.6
   * on). @default by the model name
   */
  thinking: z.enum(["budget", "adaptive"]).optional(),
});
type Options = z.infer<typeof options>;
type State = anthropic.AnthropicStreamState;

export default definePlugin<Options, State>({
  name: "anthropic",
  description: "Anthropic Messages API (Claude), natively or converted from OpenAI chat",
  defaults: { base_url: "https://api.anthropic.com/v1" },
  options,
  endpoints: ["chat", "messages"],

  rewriteRequest(request, ctx) {
    if (request.endpoint !== "chat") return;
    try {
      return {
        url: `${ctx.channel.baseUrl}/messages`,
        headers: request.headers,
        body: anthropic.chatToMessagesRequest(request.body, {
          model: ctx.model,
          defaultMaxTokens: ctx.channel.options.max_tokens,
          stream: ctx.stream,
          thinking: ctx.channel.options.thinking,
        }),
      };
    } catch (error) {
      if (!(error instanceof anthropic.ConversionError)) throw error;
      const where = error.param ? ` (${error.param})` : "";
      throw new UpstreamError(400, error.message + where, "invalid_request_error", {
        code: "unsupported_parameter",
        param: error.param,
      });
    }
  },

  injectHeaders(headers, ctx) {
    headers.delete("authorization");
    headers.set("x-api-key", ctx.apiKey);
    headers.set("anthropic-version", ctx.channel.options.version);
    // Beta features: the channel's own, plus those a native client (e.g. Claude Code) asked for.
    const configured = ctx.channel.options.beta ?? [];
    const betas = new Set(typeof configured === "string" ? [configured] : configured);
    if (ctx.endpoint === "messages" || ctx.endpoint === "passthrough") {
      for (const b of ctx.clientHeaders.get("anthropic-beta")?.split(",") ?? []) {
        if (b.trim()) betas.add(b.trim());
      }
    }
    if (betas.size > 0) headers.set("anthropic-beta", [...betas].join(","));
  },

  transformResponse(body, ctx) {
    if (ctx.endpoint !== "chat") return body;
    const message = anthropic.Message.safeParse(body);
    if (!message.success) {
      throw new UpstreamError(502, "Anthropic sent a response that is not a Message");
    }
    return anthropic.messageToChatCompletion(message.data);
  },

  transformError(status, body, ctx) {
    // Native callers get Anthropic's own error body; the gateway reads it as is.
    if (ctx.endpoint !== "chat") return undefined;
    const parsed = anthropic.ErrorBody.safeParse(body);
    if (!parsed.success) return undefined;
    return { status, message: parsed.data.error.message, type: parsed.data.error.type };
  },

  createStreamState: () => anthropic.createAnthropicStreamState(),

  transformStreamEvent(event, ctx) {
    if (ctx.endpoint === "chat") return anthropic.anthropicEventToChunks(event, ctx.state);
    // Native streams pass unchanged, but in-stream errors must still fail over or be reported.
    anthropic.checkAnthropicEvent(event, ctx.state);
    return [event];
  },

  endStream(ctx) {
    // Both ways, a stream without message_stop was cut short and must end in an error.
    return anthropic.endAnthropicStream(ctx.state);
  },

  extractUsage(data, ctx) {
    const json = data as { type?: unknown; usage?: unknown } | undefined;
    if (json?.type === "message") {
      const message = anthropic.Message.safeParse(data);
      return message.success ? anthropic.chatUsage(message.data.usage) : undefined;
    }
    if (json?.type !== "message_start" && json?.type !== "message_delta") return undefined;
    const event = anthropic.StreamEvent.safeParse(data);
    const state = ctx.state;
    if (!event.success || !state) return undefined;
    anthropic.accumulateUsage(state.usage, event.data);
    return anthropic.chatUsage(state.usage) satisfies Usage;
  },

  async listModels(ctx) {
    const ids: string[] = [];
    let after: string | undefined;
    // Anthropic pages its list; ten pages of 1000 is far more models than it serves.
    for (let page = 0; page < 10; page++) {
      const url = new URL(`${ctx.channel.baseUrl}/models`);
      url.searchParams.set("limit", "1000");
      if (after) url.searchParams.set("after_id", after);
      const res = await ctx.fetch(url, {
        headers: { "x-api-key": ctx.apiKey, "anthropic-version": ctx.channel.options.version },
        signal: ctx.signal,
      });
      if (!res.ok) throw new Error(`GET /models answered ${res.status}`);
      const list = await res.json() as { data?: { id?: unknown }[]; has_more?: unknown };
      const found = (list.data ?? []).map((m) => m.id).filter((id) => typeof id === "string");
      ids.push(...found);
      if (list.has_more !== true || found.length === 0) break;
      after = found.at(-1);
    }
    return ids;
  },
});
