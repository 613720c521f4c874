/**
 * The Anthropic Messages request (`POST /v1/messages`), as zod schemas. Objects are loose so that
 * fields Sluice does not know (cache_control, citations, new betas) pass through untouched to
 * Anthropic channels; only what the gateway relies on is checked. Content block types Sluice does
 * not know are accepted too: a native call forwards them, a converted call refuses them by name.
 */
import { z } from "zod";

export const TextBlock = z.looseObject({ type: z.literal("text"), text: z.string() });

export const ImageBlock = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.looseObject({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
    z.looseObject({ type: z.literal("url"), url: z.string() }),
    z.looseObject({ type: z.literal("file"), file_id: z.string() }),
  ]),
});

export const DocumentBlock = z.looseObject({
  type: z.literal("document"),
  source: z.looseObject({ type: z.string() }),
  title: z.string().nullish(),
});

export const ToolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});

export const ToolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  is_error: z.boolean().optional(),
});

/** Extended thinking from an earlier assistant turn; only Anthropic itself can use it again. */
export const ThinkingBlock = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().optional(),
});

export const RedactedThinkingBlock = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

const KNOWN = [
  TextBlock,
  ImageBlock,
  DocumentBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
] as const;
const KNOWN_TYPES = new Set(KNOWN.map((s) => s.shape.type.value as string));

/** A content block Sluice understands, checked field by field. */
export const KnownBlock = z.discriminatedUnion("type", KNOWN);

/** Server tool results, search results, container uploads...: forwarded, never inspected. */
const OtherBlock = z.looseObject({
  type: z.string().refine((t) => !KNOWN_TYPES.has(t), "unknown block type"),
});

export const ContentBlockParam = z.union([KnownBlock, OtherBlock]);

export const MessageParam = z.looseObject({
  // Recent API versions also accept system turns inside `messages`.
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(ContentBlockParam)]),
});

export const Tool = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Absent on Anthropic's server tools (`web_search_20250305`, `bash_20250124`...). */
  input_schema: z.looseObject({}).optional(),
  type: z.string().nullish(),
});

export const ToolChoice = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({
    type: z.literal("tool"),
    name: z.string(),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal("none") }),
]);

export const SystemPrompt = z.union([z.string(), z.array(TextBlock)]);

export const MessagesRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(MessageParam).min(1),
  max_tokens: z.number().int().positive(),
  system: SystemPrompt.optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
});

/** `POST /v1/messages/count_tokens`: a Messages request without the sampling fields. */
export const CountTokensRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(MessageParam).min(1),
  system: SystemPrompt.optional(),
  tools: z.array(Tool).optional(),
});

export type TextBlock = z.infer<typeof TextBlock>;
export type ImageBlock = z.infer<typeof ImageBlock>;
export type DocumentBlock = z.infer<typeof DocumentBlock>;
export type ToolUseBlock = z.infer<typeof ToolUseBlock>;
export type ToolResultBlock = z.infer<typeof ToolResultBlock>;
export type KnownBlock = z.infer<typeof KnownBlock>;
export type ContentBlockParam = z.infer<typeof ContentBlockParam>;
export type MessageParam = z.infer<typeof MessageParam>;
export type Tool = z.infer<typeof Tool>;
export type ToolChoice = z.infer<typeof ToolChoice>;
export type SystemPrompt = z.infer<typeof SystemPrompt>;
export type MessagesRequest = z.infer<typeof MessagesRequest>;
export type CountTokensRequest = z.infer<typeof CountTokensRequest>;

/** Narrows a block to the ones Sluice converts; `undefined` for any other type. */
export function knownBlock(block: { type: string }): KnownBlock | undefined {
  return KNOWN_TYPES.has(block.type) ? block as KnownBlock : undefined;
}
