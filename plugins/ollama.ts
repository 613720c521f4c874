/**
 * Ollama's OpenAI-compatible API on the local machine: the `openai` plugin without a key.
 *
 * Differences from `openai`: default base URL `http://127.0.0.1:11434/v1`, no key required
 * (Ollama ignores it; set `keys` only when a proxy in front of it checks one).
 *
 * Sources (checked 2026-11): https://docs.ollama.com/api/openai-compatibility —
 * `/v1/chat/completions` (with `stream_options.include_usage`), `/v1/completions`,
 * `/v1/embeddings`, `GET /v1/models`; "the client requires an API key value, but Ollama
 * ignores it".
 */
import { openaiCompatible } from "./openai.ts";

export default openaiCompatible({
  name: "ollama",
  description: "Local Ollama server (OpenAI-compatible, no key)",
  base_url: "http://127.0.0.1:11434/v1",
  requiresKey: false,
});
