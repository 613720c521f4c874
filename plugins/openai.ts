/**
 * OpenAI and every OpenAI-compatible upstream (vLLM, Ollama, LM Studio, DeepSeek, ...).
 * Requests pass through unchanged except for two things: streams ask for usage so every token
 * is counted, and the key goes in `Authorization: Bearer`. Presets reuse this object.
 */
import { definePlugin, z } from "../src/plugin/contract.ts";

export const openaiOptions = z.strictObject({
  /**
   * Ask streams for a final usage chunk (`stream_options.include_usage`). Turn off for servers
   * that reject the field. @default true
   */
  stream_usage: z.boolean().default(true),
});

export default definePlugin({
  name: "openai",
  description: "OpenAI API and any OpenAI-compatible server",
  defaults: { base_url: "https://api.openai.com/v1" },
  options: openaiOptions,

  rewriteRequest(request, ctx) {
    const body = request.body as Record<string, unknown>;
    if (
      ctx.stream && ctx.channel.options.stream_usage &&
      (ctx.endpoint === "chat" || ctx.endpoint === "completions")
    ) {
      const streamOptions = (body.stream_options ?? {}) as Record<string, unknown>;
      body.stream_options = { ...streamOptions, include_usage: true };
    }
  },

  async listModels(ctx) {
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
  },
});
