/**
 * vLLM's OpenAI-compatible server: the `openai` plugin without a required key.
 *
 * Differences from `openai`: default base URL `http://127.0.0.1:8000/v1`, no key required
 * (a server started with `--api-key` checks `Authorization: Bearer`; list it in `keys`).
 *
 * Sources (checked 2026-11): https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 * — `vllm serve … --api-key`, default `http://localhost:8000/v1`, Completions, Chat and
 * Embeddings APIs, `GET /v1/models`, `stream_options.include_usage`.
 */
import { openaiCompatible } from "./openai.ts";

export default openaiCompatible({
  name: "vllm",
  description: "Self-hosted vLLM server (OpenAI-compatible, key optional)",
  base_url: "http://127.0.0.1:8000/v1",
  requiresKey: false,
});
