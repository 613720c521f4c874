/**
 * OpenAI chat's `reasoning_effort` as Gemini's `generationConfig.thinkingConfig`, in one table.
 *
 * Gemini 2.5 models take a token budget (`thinkingBudget`; 0 turns thinking off where the model
 * allows it: Gemini 2.5 Pro answers 400, which the client then sees); Gemini 3 models take a
 * level (`thinkingLevel`), and sending both is a 400
 * (https://ai.google.dev/gemini-api/docs/thinking). Gemini 3 Pro knows only `low` and `high`,
 * Gemini 3 Flash and 3.1 also `minimal` and `medium`; a level a model lacks rounds to the
 * nearest one it has, as Google's own OpenAI-compatible endpoint maps it
 * (https://ai.google.dev/gemini-api/docs/openai#thinking). Gemini 3 cannot stop thinking, so
 * `none` asks for its least. Every effort but `none` also sets `includeThoughts`, so the
 * thoughts come back as `reasoning_content`.
 */
import { UpstreamError } from "../../errors.ts";
import type { GenerationConfig } from "./schema.ts";

/** The table: effort → Gemini 2.5 budget and Gemini 3 level. */
export const GEMINI_THINKING_TABLE = {
  none: { thinkingBudget: 0, thinkingLevel: "minimal" },
  minimal: { thinkingBudget: 512, thinkingLevel: "minimal" },
  low: { thinkingBudget: 1024, thinkingLevel: "low" },
  medium: { thinkingBudget: 8192, thinkingLevel: "medium" },
  high: { thinkingBudget: 24576, thinkingLevel: "high" },
  // 24,576 is the most Gemini 2.5 Flash takes (2.5 Pro goes to 32,768).
  xhigh: { thinkingBudget: 24576, thinkingLevel: "high" },
  max: { thinkingBudget: 24576, thinkingLevel: "high" },
} as const;

type Effort = keyof typeof GEMINI_THINKING_TABLE;
type ThinkingConfig = NonNullable<GenerationConfig["thinkingConfig"]>;

/** Whether a model takes `thinkingLevel` (Gemini 3 and later) rather than a budget. */
export function takesThinkingLevel(model: string): boolean {
  const match = /(?:^|\/)gemini-(\d+)/.exec(model);
  return match !== null && Number(match[1]) >= 3;
}

/** The levels a Gemini 3 model knows: Gemini 3 Pro only `low` and `high`. */
function levelsOf(model: string): readonly string[] {
  return /gemini-3-pro/.test(model) ? ["low", "high"] : ["minimal", "low", "medium", "high"];
}

/**
 * `base` (the channel's default thinkingConfig) with `effort` applied for `model`; `undefined`
 * effort leaves `base` alone. @throws {UpstreamError} 400 for an effort not in the table.
 */
export function thinkingConfigFor(
  effort: string | null | undefined,
  model: string,
  base: ThinkingConfig | undefined,
): ThinkingConfig | undefined {
  if (effort === undefined || effort === null) return base;
  if (!Object.hasOwn(GEMINI_THINKING_TABLE, effort)) {
    throw new UpstreamError(
      400,
      `reasoning_effort: "${effort}" is not one of ${
        Object.keys(GEMINI_THINKING_TABLE).join(", ")
      }`,
      "invalid_request_error",
    );
  }
  const row = GEMINI_THINKING_TABLE[effort as Effort];
  const { thinkingBudget: _b, thinkingLevel: _l, ...rest } = base ?? {};
  const control = takesThinkingLevel(model)
    ? { thinkingLevel: roundLevel(row.thinkingLevel, levelsOf(model)) }
    : { thinkingBudget: row.thinkingBudget };
  return { ...rest, ...control, includeThoughts: effort !== "none" };
}

function roundLevel(level: string, known: readonly string[]): string {
  if (known.includes(level)) return level;
  return level === "minimal" ? "low" : "high";
}

/**
 * The other way, for Gemini clients served by OpenAI-style channels: a level is the effort of
 * the same name; a budget the first table effort whose budget covers it (0 is `none`, -1,
 * dynamic thinking, sends no effort and leaves the upstream's default).
 */
export function effortOfThinkingConfig(config: ThinkingConfig | undefined): string | undefined {
  if (!config) return undefined;
  if (typeof config.thinkingLevel === "string") return config.thinkingLevel.toLowerCase();
  const budget = config.thinkingBudget;
  if (budget === undefined || budget < 0) return undefined;
  if (budget === 0) return "none";
  for (const effort of ["minimal", "low", "medium"] as const) {
    if (budget <= GEMINI_THINKING_TABLE[effort].thinkingBudget) return effort;
  }
  return "high";
}
