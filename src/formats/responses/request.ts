/**
 * The OpenAI Responses request (`POST /v1/responses`), as zod schemas. Objects are loose, so
 * fields Sluice does not know (new tools, new item types, `prompt_cache_key`) pass through
 * untouched to channels that speak Responses natively; only what the gateway relies on is
 * checked. A converted call refuses what chat cannot express by name (`request_to_chat.ts`).
 *
 * Field names and types follow the official SDK's `ResponseCreateParamsBase`, `ResponseInputItem`
 * and `FunctionTool` (openai-node `src/resources/responses/responses.ts`, generated from OpenAI's
 * OpenAPI spec) and the API reference at platform.openai.com/docs/api-reference/responses/create.
 */
import { z } from "zod";

/** One part of a message's content: `input_text`, `input_image`, `output_text`, ... */
export const ContentPart = z.looseObject({ type: z.string() });

/**
 * One input item. Messages may omit `type` (the SDK's `EasyInputMessage`); every other item has
 * one. Item-specific fields are checked where they are used, so the 400 names the exact field.
 */
export const InputItem = z.looseObject({
  type: z.string().optional(),
  id: z.string().nullish(),
  role: z.enum(["user", "assistant", "system", "developer"]).optional(),
  content: z.union([z.string(), z.array(ContentPart)]).optional(),
});

/**
 * `input`: a string, or a list of items. Checked by the value's own type rather than as a zod
 * union, so a bad item is named (`input[2].role`), not reported as "invalid input".
 */
export const Input = z.custom<string | InputItem[]>(
  (value) => typeof value === "string" || Array.isArray(value),
  { message: "Expected a string or a list of input items" },
).superRefine((value, ctx) => {
  if (!Array.isArray(value)) return;
  value.forEach((item, i) => {
    const checked = InputItem.safeParse(item);
    if (checked.success) return;
    for (const issue of checked.error.issues) ctx.addIssue({ ...issue, path: [i, ...issue.path] });
  });
});

/** A tool: `function` (name, parameters) or a built-in one (`web_search`, `file_search`, ...). */
export const Tool = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

export const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.string(), name: z.string().optional() }),
]);

/** `text.format`: plain text, JSON mode, or structured output against a JSON schema. */
export const TextFormat = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  schema: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
  strict: z.boolean().nullish(),
});

export const ResponsesRequest = z.looseObject({
  model: z.string().min(1),
  input: Input.optional(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).max(200).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  tools: z.array(Tool).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({
    format: TextFormat.optional(),
    verbosity: z.string().nullish(),
  }).nullish(),
  reasoning: z.looseObject({
    effort: z.string().nullish(),
    summary: z.string().nullish(),
  }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  include: z.array(z.string()).nullish(),
  user: z.string().nullish(),
  truncation: z.string().nullish(),
});

export type ContentPart = z.infer<typeof ContentPart>;
export type InputItem = z.infer<typeof InputItem>;
export type Tool = z.infer<typeof Tool>;
export type ToolChoice = z.infer<typeof ToolChoice>;
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
