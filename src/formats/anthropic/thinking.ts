/**
 * Reasoning effort across the OpenAI ⇄ Anthropic boundary: OpenAI chat's `reasoning_effort` as
 * Claude's `thinking` (and `output_config.effort`), and back, in one table.
 *
 * Claude takes thinking two ways (docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 * and .../adaptive-thinking, .../effort):
 * - `budget`: `thinking: {type: "enabled", budget_tokens}` for Claude 3.7 to 4.5. The budget is
 *   at least 1,024 tokens and must stay below `max_tokens`, which counts thinking too, just as
 *   OpenAI's `max_completion_tokens` counts reasoning tokens. So a client's own limit is kept and
 *   a budget that does not fit under it is a 400; without one, `max_tokens` is raised to the
 *   budget plus the channel's default.
 * - `adaptive`: `thinking: {type: "adaptive"}` with `output_config: {effort}` from Claude 4.6 on;
 *   Opus 4.7 and later refuse `enabled` with a 400, so the model name picks the form (a channel
 *   may force one with its `thinking` option, e.g. for a `model_map` alias).
 *
 * While Claude thinks it refuses a changed `temperature` or `top_k`, a `top_p` under 0.95 and a
 * forced tool choice (`any`/`tool`); those are a clear 400 here rather than Anthropic's.
 */
import type { ChatCompletionRequest } from "../openai.ts";
import { ConversionError } from "./errors.ts";

/** How a Claude model takes a thinking setting. */
export type ThinkingMode = "budget" | "adaptive";

/**
 * The table: OpenAI `reasoning_effort` → Claude. `none` sends no thinking at all (Claude's
 * default), so it is not in the table. Budgets follow Anthropic's guidance: start at the
 * 1,024 minimum and grow; past ~32k tokens Anthropic recommends batch processing.
 */
export const THINKING_TABLE = {
  minimal: { budget_tokens: 1024, effort: "low" },
  low: { budget_tokens: 2048, effort: "low" },
  medium: { budget_tokens: 8192, effort: "medium" },
  high: { budget_tokens: 16384, effort: "high" },
  xhigh: { budget_tokens: 24576, effort: "xhigh" },
  max: { budget_tokens: 31999, effort: "max" },
} as const;

type Effort = keyof typeof THINKING_TABLE;

/** What a chat request's reasoning settings become on a Messages request. */
export interface ThinkingFields {
  thinking?: Record<string, unknown>;
  output_config?: Record<string, unknown>;
  max_tokens: number;
}

/** The form a Claude model takes: adaptive from Claude 4.6 on, a budget before. */
export function thinkingModeOf(model: string): ThinkingMode {
  // claude-opus-4-6, claude-sonnet-4-5-20250929, claude-sonnet-5, claude-3-7-sonnet-20250219
  const match = /claude-[a-z]+-(\d+)(?:-(\d{1,2}))?(?!\d)/.exec(model);
  if (!match) return "budget";
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  return major > 4 || (major === 4 && minor >= 6) ? "adaptive" : "budget";
}

/**
 * The thinking fields for `body` sent to `model`. A `thinking` object the client passed through
 * (as LiteLLM lets OpenAI clients do) is taken as it is.
 * @throws {ConversionError} for an unknown effort, a budget over the client's `max_tokens`, or
 * a setting Claude refuses while thinking.
 */
export function thinkingFields(
  body: ChatCompletionRequest,
  options: { model: string; defaultMaxTokens: number; mode?: ThinkingMode },
): ThinkingFields {
  const clientMax = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const native = body.thinking as Record<string, unknown> | undefined;
  const effort = body.reasoning_effort ?? undefined;
  if (native && typeof native === "object") {
    if (effort) {
      throw new ConversionError("Set reasoning_effort or thinking, not both", "reasoning_effort");
    }
    if (native.type !== "disabled") checkCompatible(body);
    const output = body.output_config as Record<string, unknown> | undefined;
    return {
      thinking: native,
      ...(output ? { output_config: output } : {}),
      max_tokens: clientMax ?? nativeMax(native, options.defaultMaxTokens),
    };
  }
  if (!effort || effort === "none") return { max_tokens: clientMax ?? options.defaultMaxTokens };
  if (!Object.hasOwn(THINKING_TABLE, effort)) {
    throw new ConversionError(
      `reasoning_effort "${effort}" is not one of none, ${Object.keys(THINKING_TABLE).join(", ")}`,
      "reasoning_effort",
    );
  }
  checkCompatible(body);
  const row = THINKING_TABLE[effort as Effort];
  if ((options.mode ?? thinkingModeOf(options.model)) === "adaptive") {
    return {
      thinking: { type: "adaptive" },
      output_config: { effort: row.effort },
      max_tokens: clientMax ?? options.defaultMaxTokens,
    };
  }
  if (clientMax !== undefined && clientMax <= row.budget_tokens) {
    throw new ConversionError(
      `max_tokens ${clientMax} leaves no room for the ${row.budget_tokens}-token thinking ` +
        `budget of reasoning_effort "${effort}" on Anthropic; raise it or lower the effort`,
      body.max_completion_tokens ? "max_completion_tokens" : "max_tokens",
    );
  }
  return {
    thinking: { type: "enabled", budget_tokens: row.budget_tokens },
    max_tokens: clientMax ?? row.budget_tokens + options.defaultMaxTokens,
  };
}

function nativeMax(thinking: Record<string, unknown>, defaultMax: number): number {
  const budget = thinking.budget_tokens;
  return typeof budget === "number" ? budget + defaultMax : defaultMax;
}

/** What Claude refuses while thinking; each a 400 naming the field. */
function checkCompatible(body: ChatCompletionRequest): void {
  const refuse = (field: string, what: string) => {
    throw new ConversionError(`Anthropic models cannot think with ${what}`, field);
  };
  if (typeof body.temperature === "number" && body.temperature !== 1) {
    refuse("temperature", `temperature ${body.temperature} (only 1)`);
  }
  if (typeof body.top_k === "number") refuse("top_k", `top_k ${body.top_k}`);
  if (typeof body.top_p === "number" && body.top_p < 0.95) {
    refuse("top_p", `top_p ${body.top_p} (0.95 to 1 only)`);
  }
  const choice = body.tool_choice;
  if (choice === "required" || (choice && typeof choice === "object")) {
    refuse("tool_choice", "a forced tool_choice (auto or none only)");
  }
}

/**
 * The other way, for Anthropic clients served by OpenAI-style channels: a budget becomes the
 * effort whose table budget covers it (at least `low`: `minimal` is refused by most models);
 * adaptive thinking keeps its `output_config.effort`. Disabled thinking, or adaptive thinking
 * without an effort, sends none, leaving the upstream's default, as Claude's default is.
 */
export function effortOfThinking(
  thinking: { type: string; [key: string]: unknown } | undefined,
  outputConfig: unknown,
): string | undefined {
  if (thinking?.type === "disabled") return undefined;
  const effort = (outputConfig as { effort?: unknown } | undefined)?.effort;
  if (typeof effort === "string") return effort;
  const budget = thinking?.type === "enabled" ? thinking.budget_tokens : undefined;
  if (typeof budget !== "number") return undefined;
  if (budget <= THINKING_TABLE.low.budget_tokens) return "low";
  if (budget <= THINKING_TABLE.medium.budget_tokens) return "medium";
  return "high";
}
