/**
 * Stream ⇄ non-stream conversion in the OpenAI format, for channels that serve only one mode:
 * a whole answer becomes the chunk sequence a streaming upstream would have sent, and a chunk
 * sequence folds back into one answer. Chat completions and legacy text completions both.
 */
import { mergeReasoningDetails } from "./openai.ts";

type Json = Record<string, unknown>;

interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * The chunks a streaming upstream would have sent for `answer`: a role chunk, the content, tool
 * calls, the finish chunk, then a usage chunk (`choices: []`) when the answer has usage.
 */
export function answerToChunks(answer: Json): Json[] {
  const text = answer.object === "text_completion";
  const base = {
    id: answer.id,
    object: text ? "text_completion" : "chat.completion.chunk",
    created: answer.created,
    model: answer.model,
    ...(answer.system_fingerprint ? { system_fingerprint: answer.system_fingerprint } : {}),
  };
  const choices = (answer.choices ?? []) as Json[];
  const chunks: Json[] = [];
  for (const choice of choices) {
    const index = choice.index ?? 0;
    if (text) {
      chunks.push({ ...base, choices: [{ index, text: choice.text ?? "", finish_reason: null }] });
      chunks.push({
        ...base,
        choices: [{ index, text: "", finish_reason: choice.finish_reason ?? "stop" }],
      });
      continue;
    }
    const message = (choice.message ?? {}) as Json;
    const delta: Json = { role: "assistant", content: message.content ?? "" };
    if (message.reasoning_content) delta.reasoning_content = message.reasoning_content;
    if (message.reasoning_details) delta.reasoning_details = message.reasoning_details;
    if (message.refusal) delta.refusal = message.refusal;
    chunks.push({ ...base, choices: [{ index, delta, finish_reason: null }] });
    const calls = (message.tool_calls ?? []) as Json[];
    if (calls.length > 0) {
      chunks.push({
        ...base,
        choices: [{
          index,
          delta: { tool_calls: calls.map((call, i) => ({ index: i, ...call })) },
          finish_reason: null,
        }],
      });
    }
    chunks.push({
      ...base,
      choices: [{ index, delta: {}, finish_reason: choice.finish_reason ?? "stop" }],
    });
  }
  if (answer.usage) chunks.push({ ...base, choices: [], usage: answer.usage });
  return chunks;
}

/** Folds a chunk sequence back into one answer (content joined, tool call arguments joined). */
export function chunksToAnswer(chunks: readonly Json[]): Json {
  const first = chunks[0] ?? {};
  const text = first.object === "text_completion";
  const choices = new Map<number, {
    content: string;
    reasoning: string;
    /** `reasoning_details` fragments, joined by index at the end. */
    details: unknown[];
    /** `logprobs.content` entries, in order. */
    logprobs: unknown[];
    finish: unknown;
    calls: Map<number, { id?: string; type: string; name: string; arguments: string }>;
  }>();
  let usage: unknown;
  let fingerprint: unknown;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    if (chunk.system_fingerprint) fingerprint = chunk.system_fingerprint;
    for (const choice of (chunk.choices ?? []) as Json[]) {
      const index = (choice.index as number | undefined) ?? 0;
      let acc = choices.get(index);
      if (!acc) {
        acc = {
          content: "",
          reasoning: "",
          details: [],
          logprobs: [],
          finish: null,
          calls: new Map(),
        };
        choices.set(index, acc);
      }
      if (choice.finish_reason) acc.finish = choice.finish_reason;
      if (text) {
        acc.content += (choice.text as string | undefined) ?? "";
        continue;
      }
      const delta = (choice.delta ?? {}) as Json & { tool_calls?: ToolCallDelta[] };
      if (typeof delta.content === "string") acc.content += delta.content;
      if (typeof delta.reasoning_content === "string") acc.reasoning += delta.reasoning_content;
      if (Array.isArray(delta.reasoning_details)) acc.details.push(...delta.reasoning_details);
      const logprobs = (choice.logprobs as { content?: unknown } | null | undefined)?.content;
      if (Array.isArray(logprobs)) acc.logprobs.push(...logprobs);
      for (const call of delta.tool_calls ?? []) {
        const entry = acc.calls.get(call.index) ?? { type: "function", name: "", arguments: "" };
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name += call.function.name;
        if (call.function?.arguments) entry.arguments += call.function.arguments;
        acc.calls.set(call.index, entry);
      }
    }
  }
  const sorted = [...choices].sort(([a], [b]) => a - b);
  return {
    id: first.id,
    object: text ? "text_completion" : "chat.completion",
    created: first.created,
    model: first.model,
    choices: sorted.map(([index, acc]) =>
      text ? { index, text: acc.content, finish_reason: acc.finish ?? "stop", logprobs: null } : {
        index,
        message: {
          role: "assistant",
          content: acc.calls.size > 0 && acc.content === "" ? null : acc.content,
          ...(acc.reasoning ? { reasoning_content: acc.reasoning } : {}),
          ...(acc.details.length > 0
            ? { reasoning_details: mergeReasoningDetails(acc.details) }
            : {}),
          ...(acc.calls.size > 0
            ? {
              tool_calls: [...acc.calls.values()].map((c) => ({
                id: c.id,
                type: c.type,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
            : {}),
        },
        finish_reason: acc.finish ?? "stop",
        logprobs: acc.logprobs.length > 0 ? { content: acc.logprobs, refusal: null } : null,
      }
    ),
    ...(usage ? { usage } : {}),
    ...(fingerprint ? { system_fingerprint: fingerprint } : {}),
  };
}
