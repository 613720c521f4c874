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
 * - `reasoning_effort` becomes `enable_thinking` / `thinking_budget` (see `qwenThinking`).
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
import { type WebSocketContext, type WebSocketTarget, z } from "../src/plugin/contract.ts";
import { qwenThinking } from "./_compat.ts";
import { openaiCompatible, openaiOptions } from "./openai.ts";

export const dashscopeOptions = openaiOptions.extend({
  /** Send `enable_thinking: false` on non-stream chat calls to open-source Qwen3. @default true */
  non_stream_thinking_off: z.boolean().default(true),
});

/** Open-source Qwen3 models, whose thinking defaults on and which refuse it without a stream. */
export function thinksByDefault(model: string): boolean {
  return /^qwen3-/.test(model) && !/^qwen3-(max|coder)/.test(model);
}

/**
 * DashScope's WebSockets live at the host's root, not under `compatible-mode/v1`:
 * `/api-ws/v1/realtime?model=…` (Qwen-Omni-Realtime, Qwen-TTS-Realtime: OpenAI-Realtime-style
 * events, `response.done` with usage) and `/api-ws/v1/inference` (CosyVoice, Paraformer,
 * Fun-ASR, Gummy: the model is `payload.model` of each `run-task` message). The key goes in
 * `Authorization: Bearer`, checked at the handshake (401/403 when wrong).
 * Source: help.aliyun.com/en/model-studio/realtime-websocket-overview and
 * …/websocket-for-paraformer-real-time-service (checked 2026-12).
 */
export function dashscopeWebSocket(ctx: WebSocketContext<unknown>): WebSocketTarget {
  const origin = new URL(ctx.channel.baseUrl).origin;
  let url = ctx.url;
  if (ctx.kind === "realtime") {
    url = new URL("/api-ws/v1/realtime", origin);
    url.search = ctx.url.search;
    url.searchParams.set("model", ctx.model);
  } else if (ctx.path.startsWith("/api-ws/")) {
    url = new URL(origin);
    url.pathname = ctx.path;
    url.search = ctx.url.search;
  }
  return {
    url,
    headers: ctx.apiKey ? { authorization: `Bearer ${ctx.apiKey}` } : {},
    messageModel: runTaskModel,
  };
}

/**
 * `payload.model` of an inference `run-task` message; other messages name no model. A message
 * that spells `"model"` twice is refused: JSON parsers disagree on which duplicate wins, so we
 * could check one model while DashScope runs another.
 */
export function runTaskModel(text: string): string | undefined {
  if (!text.includes('"run-task"')) return undefined;
  if (text.indexOf('"model"') !== text.lastIndexOf('"model"')) {
    throw new Error('A run-task message may name "model" only once');
  }
  try {
    const message = JSON.parse(text) as {
      header?: { action?: unknown };
      payload?: { model?: unknown };
    };
    const model = message.payload?.model;
    return message.header?.action === "run-task" && typeof model === "string" ? model : undefined;
  } catch {
    return undefined;
  }
}

export default openaiCompatible<z.infer<typeof dashscopeOptions>>({
  name: "dashscope",
  description: "Alibaba Cloud Model Studio / Bailian (Qwen, OpenAI-compatible mode)",
  base_url: "https://dashscope.aliyuncs.com/compatible-mode/v1",
  options: dashscopeOptions,
  openWebSocket: dashscopeWebSocket,

  rewrite(request, ctx) {
    if (request.endpoint === "chat") qwenThinking(request.body);
    if (
      request.endpoint === "chat" && ctx.channel.options.non_stream_thinking_off && !ctx.stream &&
      request.body.enable_thinking === undefined && thinksByDefault(ctx.model)
    ) {
      request.body.enable_thinking = false;
    }
  },
});
