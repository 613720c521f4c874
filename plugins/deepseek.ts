/**
 * DeepSeek: the `openai` plugin with DeepSeek's base URL and its cache-hit counter.
 *
 * Differences from `openai`:
 * - `usage.prompt_cache_hit_tokens` is read as cached prompt tokens, so a channel's
 *   `price.cached_input` applies (DeepSeek bills cache hits at a fraction of the input price).
 * - `reasoning_effort: "none"` becomes `thinking: {type: "disabled"}`: DeepSeek's switch, as its
 *   OpenAI format takes no "none" effort; other efforts pass (DeepSeek maps minimal..xhigh).
 * - `reasoning_content` in thinking-mode answers and stream deltas passes through untouched, and
 *   clients' `reasoning_content` on earlier assistant turns is sent on as is (thinking mode
 *   requires it back on tool-call turns, or answers 400); other providers' signed reasoning is
 *   dropped by the `openai` rewrite.
 * - Reasoning tokens arrive as `completion_tokens_details.reasoning_tokens`, OpenAI's field.
 *
 * Sources (checked 2026-11):
 * - https://api-docs.deepseek.com/ — OpenAI format, `base_url` https://api.deepseek.com
 *   (`/v1` also accepted "for compatibility with OpenAI"), `Authorization: Bearer`.
 * - https://api-docs.deepseek.com/quick_start/pricing — models `deepseek-flash`,
 *   `deepseek-v4-pro` (`deepseek-chat`/`deepseek-reasoner` deprecated 2026-07-24), prices.
 * - https://api-docs.deepseek.com/api/list-models — `GET /models` lists them.
 * - https://api-docs.deepseek.com/guides/kv_cache — `prompt_cache_hit_tokens` /
 *   `prompt_cache_miss_tokens` in `usage`; streams honour `stream_options.include_usage`.
 * - https://api-docs.deepseek.com/guides/thinking_mode — `reasoning_content` round trip, the
 *   `thinking` switch and the `reasoning_effort` mapping table.
 */
import { thinkingSwitch, usageWithCachedField } from "./_compat.ts";
import { openaiCompatible } from "./openai.ts";

export default openaiCompatible({
  name: "deepseek",
  description: "DeepSeek API (OpenAI-compatible, cache hits priced separately)",
  base_url: "https://api.deepseek.com/v1",
  extractUsage: usageWithCachedField("prompt_cache_hit_tokens"),
  rewrite(request) {
    if (request.endpoint === "chat") thinkingSwitch(request.body);
  },
});
