/**
 * Alibaba Cloud Model Studio (Bailian / DashScope) in OpenAI-compatible mode: the `openai`
 * plugin plus one Qwen3 quirk.
 *
 * Differences from `openai`:
 * - Non-stream chat calls to open-source Qwen3 models (`qwen3-8b`, `qwen3-235b-a22b`, …, whose
 *   thinking is on by default) get `enable_thinking: false` unless the client set it, because
 *   DashScope answers 400 "parameter.enable_thinking must be set to false for non-streaming
 *   calls". `qwen3-max`, `qwen3-coder-*` and `qwen3.5+` are left alone. Turn off with
 *   `options.non_stream_thinking_off: false`. Stream-only models (QwQ, QVQ) belong in a channel
 *   with `non_stream: false`, which the gateway serves by converting.
 * - International accounts use another host: set `base_url` to
 *   https://dashscope-intl.aliyuncs.com/compatible-mode/v1 (Singapore) or
 *   https://dashscope-us.aliyuncs.com/compatible-mode/v1 (Virginia); keys are per region.
 *
 * Sources (checked 2026-11):
 * - https://help.aliyun.com/zh/model-studio/compatibility-of-openai-with-dashscope (and the
 *   alibabacloud.com edition) — base URLs above, `Authorization: Bearer $DASHSCOPE_API_KEY`,
 *   `stream_options: {include_usage: true}` for usage in streams.
 * - `enable_thinking`: "Qwen3 commercial models default to False, open-source models to True";
 *   the non-streaming 400 is reported in coze-studio#324, eino-ext#375, dify-official-plugins#2626.
 * - `GET /compatible-mode/v1/models` answers with a key (401 without).
 */
import { z } from "../src/plugin/contract.ts";
import { openaiCompatible, openaiOptions } from "./openai.ts";

export const dashscopeOptions = openaiOptions.extend({
  /** Send `enable_thinking: false` on non-stream chat calls to open-source Qwen3. @default true */
  non_stream_thinking_off: z.boolean().default(true),
});

/** Open-source Qwen3 models, whose thinking defaults on and which refuse it without a stream. */
export function thinksByDefault(model: string): boolean {
  return /^qwen3-/.test(model) && !/^qwen3-(max|coder)/.test(model);
}

export default openaiCompatible<z.infer<typeof dashscopeOptions>>({
  name: "dashscope",
  description: "Alibaba Cloud Model Studio / Bailian (Qwen, OpenAI-compatible mode)",
  base_url: "https://dashscope.aliyuncs.com/compatible-mode/v1",
  options: dashscopeOptions,

  rewrite(request, ctx) {
    if (
      request.endpoint === "chat" && ctx.channel.options.non_stream_thinking_off && !ctx.stream &&
      request.body.enable_thinking === undefined && thinksByDefault(ctx.model)
    ) {
      request.body.enable_thinking = false;
    }
  },
});
