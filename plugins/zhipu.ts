/**
 * Zhipu GLM (BigModel open platform): the `openai` plugin plus GLM's sampling limits.
 *
 * Differences from `openai`:
 * - `temperature` and `top_p` are brought into the ranges GLM accepts, because it rejects
 *   anything else with 400 "temperature参数非法" (error 1214) where OpenAI clients send 0..2:
 *   `temperature` ≤ 0 becomes `do_sample: false` (greedy, GLM's own switch), above 1 becomes 1;
 *   `top_p` is kept inside (0, 1). Turn off with `options.clamp_sampling: false`.
 * - Model list: `GET /models` when the platform answers it, else the known models in
 *   `options.models`.
 * - Streams end with a chunk that carries both `finish_reason` and `usage` (GLM always sends
 *   it); `stream_options.include_usage` is still sent and is accepted.
 * - `reasoning_content` (GLM-4.5+ thinking) passes through untouched; `reasoning_effort: "none"`
 *   becomes GLM's `thinking: {type: "disabled"}`, other efforts pass (GLM-5.2+ read them).
 *
 * Sources (checked 2026-11):
 * - https://docs.bigmodel.cn/cn/guide/develop/openai/introduction — OpenAI SDK with
 *   `base_url` https://open.bigmodel.cn/api/paas/v4 and `Authorization: Bearer`; the
 *   international platform is https://api.z.ai/api/paas/v4 (docs.z.ai).
 * - https://docs.z.ai/api-reference/llm/chat-completion — `temperature` 0..1, `top_p`
 *   [0.01, 1.0], `do_sample`, `thinking`.
 * - GLM-5 parameter help: temperature "(0.0,1.0], cannot be 0"; top_p open interval (0, 1);
 *   one-api#1141 / FastGPT#760: 400 code 1214 for out-of-range values.
 * - https://docs.bigmodel.cn/cn/guide/capabilities/streaming — `usage` only in the last chunk.
 * - https://docs.z.ai/guides/capabilities/thinking-mode — thinking on by default, `disabled`.
 */
import { z } from "../src/plugin/contract.ts";
import { thinkingSwitch } from "./_compat.ts";
import openai, { openaiCompatible, openaiOptions } from "./openai.ts";

const KNOWN_MODELS = [
  "glm-5.2",
  "glm-5.1",
  "glm-5",
  "glm-4.7",
  "glm-4.6",
  "glm-4.5-air",
  "glm-4-flash",
  "embedding-3",
];

export const zhipuOptions = openaiOptions.extend({
  /** Bring `temperature` and `top_p` into GLM's accepted ranges. @default true */
  clamp_sampling: z.boolean().default(true),
  /** Models reported when the platform does not list its own. */
  models: z.array(z.string().min(1)).default(KNOWN_MODELS),
});

/** Rewrites `temperature`/`top_p` in place so GLM accepts them. */
export function clampSampling(body: Record<string, unknown>): void {
  if (typeof body.temperature === "number") {
    if (body.temperature <= 0) {
      delete body.temperature;
      body.do_sample ??= false;
    } else if (body.temperature > 1) body.temperature = 1;
  }
  if (typeof body.top_p === "number") body.top_p = Math.min(0.99, Math.max(0.01, body.top_p));
}

export default openaiCompatible<z.infer<typeof zhipuOptions>>({
  name: "zhipu",
  description: "Zhipu GLM / BigModel (OpenAI-compatible, GLM sampling ranges)",
  base_url: "https://open.bigmodel.cn/api/paas/v4",
  options: zhipuOptions,

  rewrite(request, ctx) {
    if (request.endpoint === "chat") thinkingSwitch(request.body);
    if (!ctx.channel.options.clamp_sampling) return;
    if (request.endpoint === "chat" || request.endpoint === "completions") {
      clampSampling(request.body);
    }
  },

  async listModels(ctx) {
    try {
      const models = await openai.listModels!(ctx);
      if (models.length > 0) return models;
    } catch {
      // Not every GLM platform answers GET /models; fall back to the known list.
    }
    return ctx.channel.options.models;
  },
});
