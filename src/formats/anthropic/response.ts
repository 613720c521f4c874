/**
 * What Anthropic sends back: the Message, its stream events and its error body, as zod schemas.
 * Parsing is tolerant where Anthropic keeps adding values (stop reasons, block and delta types),
 * so a new value degrades to "ignored" instead of a failed request.
 */
import { z } from "zod";

export const StopReason = z.enum([
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "pause_turn",
  "refusal",
]);

export const AnthropicUsage = z.looseObject({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

/** `message_delta` usage: cumulative totals; fields other than output_tokens may be null. */
export const DeltaUsage = z.looseObject({
  output_tokens: z.number(),
  input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

export const ResponseBlock = z.looseObject({ type: z.string() });

export const Message = z.looseObject({
  id: z.string(),
  type: z.literal("message"),
  role: z.literal("assistant"),
  model: z.string(),
  content: z.array(ResponseBlock),
  // A string, not StopReason: newer values (e.g. model_context_window_exceeded) must not fail.
  stop_reason: z.string().nullable(),
  stop_sequence: z.string().nullish(),
  usage: AnthropicUsage,
});

export const ContentDelta = z.looseObject({ type: z.string() });

export const StreamEvent = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("message_start"), message: Message }),
  z.looseObject({
    type: z.literal("content_block_start"),
    index: z.number(),
    content_block: ResponseBlock,
  }),
  z.looseObject({ type: z.literal("content_block_delta"), index: z.number(), delta: ContentDelta }),
  z.looseObject({ type: z.literal("content_block_stop"), index: z.number() }),
  z.looseObject({
    type: z.literal("message_delta"),
    delta: z.looseObject({
      stop_reason: z.string().nullish(),
      stop_sequence: z.string().nullish(),
    }),
    usage: DeltaUsage,
  }),
  z.looseObject({ type: z.literal("message_stop") }),
  z.looseObject({ type: z.literal("ping") }),
  z.looseObject({
    type: z.literal("error"),
    error: z.looseObject({ type: z.string(), message: z.string() }),
  }),
]);

/** `{"type":"error","error":{"type","message"}}`, plus `request_id` on Anthropic's own answers. */
export const ErrorBody = z.looseObject({
  type: z.literal("error"),
  error: z.looseObject({ type: z.string(), message: z.string() }),
});

export type StopReason = z.infer<typeof StopReason>;
export type AnthropicUsage = z.infer<typeof AnthropicUsage>;
export type DeltaUsage = z.infer<typeof DeltaUsage>;
export type ResponseBlock = z.infer<typeof ResponseBlock>;
export type Message = z.infer<typeof Message>;
export type StreamEvent = z.infer<typeof StreamEvent>;
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The event types of a Messages stream, which are also its SSE `event:` names. */
export type StreamEventType = StreamEvent["type"];
