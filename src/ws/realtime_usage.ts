/**
 * Token usage of a realtime session, added up from the upstream's `response.done` events: each
 * carries `response.usage` with `input_tokens`, `output_tokens` and
 * `input_token_details.cached_tokens` (OpenAI Realtime server events; Azure and DashScope's
 * Qwen-Omni-Realtime send the same shape). Only text messages that contain `"response.done"`
 * are parsed, so the audio deltas that make up most of a session cost one `includes`.
 */
import { parseJsonBounded } from "../formats/json.ts";
import type { TokenUsage } from "../stats/record.ts";

interface ResponseDone {
  type?: unknown;
  response?: {
    usage?: {
      input_tokens?: unknown;
      output_tokens?: unknown;
      input_token_details?: { cached_tokens?: unknown } | null;
    } | null;
  } | null;
}

const count = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;

export class RealtimeUsage {
  #prompt = 0;
  #completion = 0;
  #cached = 0;
  #seen = false;

  /** Reads one upstream text message; anything but a `response.done` with usage is ignored. */
  add(text: string): void {
    if (!text.includes('"response.done"')) return;
    let event: ResponseDone;
    try {
      event = parseJsonBounded(text) as ResponseDone;
    } catch {
      return;
    }
    const usage = event?.type === "response.done" ? event.response?.usage : undefined;
    if (!usage || typeof usage !== "object") return;
    this.#seen = true;
    this.#prompt += count(usage.input_tokens);
    this.#completion += count(usage.output_tokens);
    this.#cached += count(usage.input_token_details?.cached_tokens);
  }

  /** The totals, or undefined when no `response.done` reported usage. */
  get total(): TokenUsage | undefined {
    if (!this.#seen) return undefined;
    const usage: TokenUsage = { prompt: this.#prompt, completion: this.#completion };
    if (this.#cached > 0) usage.cached = this.#cached;
    return usage;
  }
}
