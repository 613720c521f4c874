/**
 * The Response object a converted answer becomes, and its output items. The request's settings
 * are echoed as OpenAI echoes them (`instructions`, `tools`, `metadata`, ...), with OpenAI's
 * defaults where the client set none.
 *
 * Source: `Response`, `ResponseOutputMessage`, `ResponseFunctionToolCall`, `ResponseReasoningItem`
 * in openai-node `src/resources/responses/responses.ts`, and the example object of
 * platform.openai.com/docs/api-reference/responses/object.
 */
import type { FinishReason } from "../openai.ts";
import { newId } from "./ids.ts";
import type { ReasoningFields } from "./reasoning.ts";
import type { ResponsesRequest } from "./request.ts";
import type { ResponseUsage } from "./usage.ts";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";
export type ItemStatus = "in_progress" | "completed" | "incomplete";

/** One output item (message, function_call, reasoning), as sent. */
export type OutputItem = Record<string, unknown>;

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number;
  text: Record<string, unknown>;
  tool_choice: unknown;
  tools: unknown[];
  top_p: number;
  truncation: string;
  usage: ResponseUsage | null;
  user: string | null;
  completed_at?: number;
}

/**
 * The Response for `body` before any output: status `in_progress`, no usage.
 * @param now epoch milliseconds
 */
export function responseShell(body: ResponsesRequest, model: string, now: number): ResponseObject {
  return {
    id: newId("resp"),
    object: "response",
    created_at: Math.floor(now / 1000),
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store: body.store !== false,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? "disabled",
    usage: null,
    user: body.user ?? null,
  };
}

/** How a chat finish reason ends a Response: `length` and `content_filter` leave it incomplete. */
export function endOf(finish: FinishReason | string | null | undefined): {
  status: "completed" | "incomplete";
  incomplete_details: { reason: string } | null;
} {
  if (finish === "length") {
    return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  }
  if (finish === "content_filter") {
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  }
  return { status: "completed", incomplete_details: null };
}

/** An output text part. */
export function textPart(text: string) {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

/** A message item holding `parts` (output text, refusal). */
export function messageItem(id: string, parts: unknown[], status: ItemStatus): OutputItem {
  return { id, type: "message", status, content: parts, role: "assistant" };
}

export function functionCallItem(
  id: string,
  call: { call_id: string; name: string; arguments: string },
  status: ItemStatus,
): OutputItem {
  return {
    id,
    type: "function_call",
    status,
    arguments: call.arguments,
    call_id: call.call_id,
    name: call.name,
  };
}

/** A reasoning item: raw text as a `reasoning_text` part, summaries as `summary_text`. */
export function reasoningItem(id: string, fields: ReasoningFields, status: ItemStatus): OutputItem {
  const item: OutputItem = {
    id,
    type: "reasoning",
    summary: fields.summary.map((text) => ({ type: "summary_text", text })),
  };
  if (fields.text !== "") item.content = [{ type: "reasoning_text", text: fields.text }];
  if (fields.encrypted_content !== undefined) item.encrypted_content = fields.encrypted_content;
  item.status = status;
  return item;
}
