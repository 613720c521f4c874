/**
 * Moonshot AI (Kimi): the `openai` plugin plus Kimi's fixed sampling and cache counter.
 *
 * Differences from `openai`:
 * - Kimi K2/K3 models fix their sampling: any `temperature` but 1 is refused with 400 "invalid
 *   temperature: only 1 is allowed for this model", and `top_p`, `n` and both penalties are
 *   fixed too. For `kimi-*` models the gateway drops `temperature`, `top_p`,
 *   `presence_penalty` and `frequency_penalty` so OpenAI clients' defaults do not fail
 *   (`n` is left: silently returning fewer choices would be worse than the upstream's error).
 *   Turn off with `options.fixed_sampling: false`.
 * - `usage.cached_tokens` (Moonshot's counter) is read as cached prompt tokens, and usage is
 *   also found inside `choices[0]`, where older streams put it.
 * - `reasoning_effort: "none"` becomes `thinking: {type: "disabled"}` (Kimi K2.5/K2.6); other
 *   efforts pass: Kimi K3 reads low/high/max, and Moonshot ignores a field a model lacks
 *   (agentscope's Kimi notes), so sending it is never an error.
 * - Default host is the China platform; international accounts set `base_url` to
 *   https://api.moonshot.ai/v1 (keys are per platform).
 *
 * Sources (checked 2026-11):
 * - https://platform.moonshot.ai/docs/api/chat (platform.kimi.ai) — OpenAI-compatible,
 *   `Authorization: Bearer`, https://api.moonshot.cn/v1 and https://api.moonshot.ai/v1,
 *   `GET /v1/models` lists the models available to the key.
 * - https://platform.kimi.ai/docs/api/models-overview — parameter constraints per model;
 *   opencode#27796, getcoherence/studio v0.3.30: the 400 for temperature ≠ 1 on kimi-k2.x.
 * - Pricing: platform.moonshot.ai/docs/pricing (kimi-k2.6 $0.95 in / $4.00 out, $0.16 cached).
 */
import { z } from "../src/plugin/contract.ts";
import { thinkingSwitch, usageWithCachedField } from "./_compat.ts";
import { openaiCompatible, openaiOptions } from "./openai.ts";

export const moonshotOptions = openaiOptions.extend({
  /** Drop sampling parameters that `kimi-*` models refuse to change. @default true */
  fixed_sampling: z.boolean().default(true),
});

const FIXED = ["temperature", "top_p", "presence_penalty", "frequency_penalty"];

export default openaiCompatible<z.infer<typeof moonshotOptions>>({
  name: "moonshot",
  description: "Moonshot AI / Kimi (OpenAI-compatible, fixed sampling on Kimi models)",
  base_url: "https://api.moonshot.cn/v1",
  options: moonshotOptions,

  rewrite(request, ctx) {
    if (request.endpoint === "chat") thinkingSwitch(request.body);
    if (!ctx.channel.options.fixed_sampling || !ctx.model.startsWith("kimi-")) return;
    if (request.endpoint === "chat" || request.endpoint === "completions") {
      for (const field of FIXED) delete request.body[field];
    }
  },

  extractUsage: usageWithCachedField("cached_tokens"),
});
