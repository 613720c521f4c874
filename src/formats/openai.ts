/**
 * The OpenAI wire format, Sluice's lingua franca: ingress formats convert to it and plugins
 * convert from it. Request schemas are loose (unknown fields pass through untouched to the
 * upstream) but check the fields the gateway itself relies on, so a bad request gets a 400
 * that names the field instead of a confusing upstream error.
 */
import { z } from "zod";

const ContentPart = z.looseObject({ type: z.string() });

/**
 * The provider families whose signed reasoning rides in `reasoning_details`, by OpenRouter's
 * convention (https://openrouter.ai/docs/guides/best-practices/reasoning-tokens): a detail is
 * replayed only to a channel of the family that produced it and dropped for any other.
 */
export const REASONING_FORMAT = {
  anthropic: "anthropic-claude-v1",
  gemini: "google-gemini-v1",
  openai: "openai-responses-v1",
} as const;

/**
 * One piece of provider reasoning. Text may arrive in streamed fragments that share an `index`
 * (a signature in a fragment of its own), which {@link mergeReasoningDetails} joins again.
 */
export const ReasoningDetail = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("reasoning.text"),
    text: z.string().nullish(),
    signature: z.string().nullish(),
    format: z.string().nullish(),
    index: z.number().int().nonnegative().optional(),
  }),
  z.looseObject({
    type: z.literal("reasoning.encrypted"),
    data: z.string(),
    id: z.string().nullish(),
    format: z.string().nullish(),
    index: z.number().int().nonnegative().optional(),
  }),
  z.looseObject({
    type: z.literal("reasoning.summary"),
    summary: z.string(),
    format: z.string().nullish(),
    index: z.number().int().nonnegative().optional(),
  }),
]);

/**
 * Plain reasoning text (DeepSeek's field) and signed reasoning, on a message or a delta. Details
 * of a type Sluice does not know are accepted here and skipped by converters, never a 400.
 */
const Reasoning = {
  reasoning_content: z.string().nullish(),
  reasoning_details: z.array(z.looseObject({ type: z.string() })).nullish(),
};

export const ChatMessage = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(z.looseObject({
    id: z.string(),
    type: z.string(),
    function: z.looseObject({ name: z.string(), arguments: z.string() }),
  })).optional(),
  tool_call_id: z.string().optional(),
  ...Reasoning,
});

const StreamOptions = z.looseObject({ include_usage: z.boolean().optional() });

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullish(),
  stream_options: StreamOptions.nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  tools: z.array(z.looseObject({
    type: z.string(),
    function: z.looseObject({ name: z.string() }).optional(),
  })).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  /** Checked by converters, not here: OpenAI-compatible servers accept values of their own. */
  reasoning_effort: z.string().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  modalities: z.array(z.string()).nullish(),
  prompt_cache_key: z.string().nullish(),
});

export const CompletionRequest = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([
    z.string(),
    z.array(z.string()),
    z.array(z.number().int()),
    z.array(z.array(z.number().int())),
  ]),
  stream: z.boolean().nullish(),
  stream_options: StreamOptions.nullish(),
  max_tokens: z.number().int().nonnegative().nullish(),
});

export const EmbeddingRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int())).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().optional(),
});

export const Usage = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number().optional(),
  total_tokens: z.number().optional(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().optional() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().optional() }).nullish(),
});

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const FinishReason = z.enum([
  "stop",
  "length",
  "tool_calls",
  "content_filter",
  "function_call",
]);

export const ChatCompletion = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({
    index: z.number(),
    message: z.looseObject({
      role: z.literal("assistant"),
      content: z.string().nullable(),
      tool_calls: z.array(ToolCall).optional(),
      refusal: z.string().nullable().optional(),
      ...Reasoning,
    }),
    finish_reason: FinishReason.nullable(),
    logprobs: z.unknown().optional(),
  })),
  usage: Usage.optional(),
  system_fingerprint: z.string().nullable().optional(),
});

export const ChatCompletionChunk = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({
    index: z.number(),
    delta: z.looseObject({
      role: z.literal("assistant").optional(),
      content: z.string().nullable().optional(),
      tool_calls: z.array(z.looseObject({
        index: z.number(),
        id: z.string().optional(),
        type: z.literal("function").optional(),
        function: z.looseObject({
          name: z.string().optional(),
          arguments: z.string().optional(),
        }).optional(),
      })).optional(),
      ...Reasoning,
    }),
    finish_reason: FinishReason.nullable(),
    logprobs: z.unknown().optional(),
  })),
  usage: Usage.nullable().optional(),
});

/** The body of every error Sluice returns on the OpenAI surface. */
export const ErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.union([z.string(), z.number()]).nullable(),
    param: z.string().nullable(),
  }),
});

export type ReasoningDetail = z.infer<typeof ReasoningDetail>;
export type ChatMessage = z.infer<typeof ChatMessage>;
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
export type CompletionRequest = z.infer<typeof CompletionRequest>;
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;
export type Usage = z.infer<typeof Usage>;
export type FinishReason = z.infer<typeof FinishReason>;
export type ChatCompletion = z.infer<typeof ChatCompletion>;
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * The details of `format` among `details`, streamed fragments joined: entries that share a type
 * and an `index` become one (text appended, the last signature, id and data kept), in index
 * order. Anything that is not a detail Sluice knows is skipped.
 */
export function mergeReasoningDetails(details: unknown, format?: string): ReasoningDetail[] {
  if (!Array.isArray(details)) return [];
  const merged: ReasoningDetail[] = [];
  const byKey = new Map<string, ReasoningDetail>();
  for (const raw of details) {
    const parsed = ReasoningDetail.safeParse(raw);
    if (!parsed.success || (format !== undefined && parsed.data.format !== format)) continue;
    const detail = parsed.data;
    const key = detail.index === undefined ? undefined : `${detail.type}:${detail.index}`;
    const into = key === undefined ? undefined : byKey.get(key);
    if (!into) {
      const copy = { ...detail };
      merged.push(copy);
      if (key !== undefined) byKey.set(key, copy);
      continue;
    }
    Object.assign(into, mergedFields(into, detail));
  }
  // Stable: fragments without an index keep their arrival order.
  return merged.every((d) => d.index !== undefined)
    ? merged.sort((a, b) => a.index! - b.index!)
    : merged;
}

function mergedFields(into: ReasoningDetail, next: ReasoningDetail): Partial<ReasoningDetail> {
  if (into.type === "reasoning.text" && next.type === "reasoning.text") {
    return {
      text: (into.text ?? "") + (next.text ?? ""),
      ...(next.signature ? { signature: next.signature } : {}),
    };
  }
  if (into.type === "reasoning.summary" && next.type === "reasoning.summary") {
    return { summary: into.summary + next.summary };
  }
  return { ...next };
}
