/**
 * An OpenAI chat.completion → a Response object, for Responses clients served by a chat channel.
 * Output items come in the order a Responses model emits them: reasoning, the message, then one
 * `function_call` per tool call. A `length` finish leaves the Response `incomplete`
 * (`max_output_tokens`), as does a content filter.
 *
 * The reading is tolerant, as the Anthropic converter's is: the answer is paid for and the
 * client is waiting, so a missing optional field still yields a valid Response.
 */
import { mergeReasoningDetails, type Usage } from "../openai.ts";
import { newId } from "./ids.ts";
import { reasoningFromChat } from "./reasoning.ts";
import {
  endOf,
  functionCallItem,
  messageItem,
  type OutputItem,
  reasoningItem,
  type ResponseObject,
  textPart,
} from "./response.ts";
import { responseUsage } from "./usage.ts";

interface ChatAnswer {
  model?: unknown;
  choices?: {
    message?: {
      content?: unknown;
      refusal?: unknown;
      reasoning_content?: unknown;
      reasoning?: unknown;
      reasoning_details?: unknown;
      tool_calls?: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }[];
    };
    finish_reason?: unknown;
  }[];
  usage?: Usage | null;
}

/**
 * Converts `completion` into `shell` (made by `responseShell`), returning the finished Response.
 * @param now epoch milliseconds, for `completed_at`
 */
export function chatToResponse(
  completion: unknown,
  shell: ResponseObject,
  now: number,
): ResponseObject {
  const answer = (completion ?? {}) as ChatAnswer;
  const choice = answer.choices?.[0];
  const message = choice?.message ?? {};
  const end = endOf(typeof choice?.finish_reason === "string" ? choice.finish_reason : null);
  const output: OutputItem[] = [];

  const text = stringOr(message.reasoning_content) || stringOr(message.reasoning);
  const reasoning = reasoningFromChat(text, mergeReasoningDetails(message.reasoning_details));
  if (reasoning) output.push(reasoningItem(newId("rs"), reasoning, "completed"));

  const parts: unknown[] = [];
  const content = stringOr(message.content);
  if (content !== "") parts.push(textPart(content));
  const refusal = stringOr(message.refusal);
  if (refusal !== "") parts.push({ type: "refusal", refusal });
  const calls = message.tool_calls ?? [];
  if (parts.length > 0 || calls.length === 0) {
    const status = end.status === "incomplete" ? "incomplete" : "completed";
    output.push(messageItem(newId("msg"), parts.length > 0 ? parts : [textPart("")], status));
  }
  for (const call of calls) {
    output.push(functionCallItem(newId("fc"), {
      call_id: stringOr(call.id) || newId("call"),
      name: stringOr(call.function?.name),
      arguments: stringOr(call.function?.arguments),
    }, "completed"));
  }
  return {
    ...shell,
    ...end,
    model: typeof answer.model === "string" && answer.model !== "" ? answer.model : shell.model,
    output,
    usage: responseUsage(answer.usage),
    ...(end.status === "completed" ? { completed_at: Math.floor(now / 1000) } : {}),
  };
}

function stringOr(value: unknown): string {
  return typeof value === "string" ? value : "";
}
