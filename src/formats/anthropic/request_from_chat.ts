/**
 * OpenAI chat request → Anthropic Messages request, for channels that speak Anthropic.
 *
 * The body is rebuilt field by field rather than copied, because Anthropic rejects fields it does
 * not know. Where the dialects differ:
 * - system and developer messages, wherever they stand, join the top-level `system`;
 * - tool messages become `tool_result` blocks in a user turn, and consecutive turns of one role
 *   are merged, since Anthropic expects user and assistant to alternate;
 * - `response_format` has no Anthropic twin: JSON mode becomes a system instruction (with the
 *   schema, for `json_schema`). That is what Anthropic's docs recommend for consistent JSON
 *   output, and it keeps the answer in ordinary text blocks, as the OpenAI client expects;
 * - `temperature` above Anthropic's maximum of 1 is clamped to 1.
 */
import type { ChatCompletionRequest, ChatMessage } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import type { ContentBlockParam, MessageParam, MessagesRequest, ToolChoice } from "./request.ts";
import { toolUseId } from "./_ids.ts";

export interface ChatToMessagesOptions {
  /** The model name sent upstream. */
  model: string;
  /** `max_tokens` when the client sets none; Anthropic requires one. */
  defaultMaxTokens: number;
  stream: boolean;
}

type Part = { type: string; [key: string]: unknown };

/** Converts a validated OpenAI chat request. @throws {ConversionError} for what Claude lacks. */
export function chatToMessagesRequest(
  body: ChatCompletionRequest,
  options: ChatToMessagesOptions,
): MessagesRequest {
  if (typeof body.n === "number" && body.n > 1) {
    throw new ConversionError(
      `Anthropic models return one choice; "n" must be 1, not ${body.n}`,
      "n",
    );
  }
  const system: string[] = [];
  const turns: MessageParam[] = [];
  const push = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  body.messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message.role) {
      case "system":
      case "developer": {
        const text = plainText(message.content, `${at}.content`);
        if (text) system.push(text);
        return;
      }
      case "user":
        return push("user", contentBlocks(message.content, `${at}.content`));
      case "assistant":
        return push("assistant", assistantBlocks(message, at));
      case "tool":
        return push("user", [{
          type: "tool_result",
          tool_use_id: toolUseId(message.tool_call_id ?? ""),
          content: typeof message.content === "string"
            ? message.content
            : contentBlocks(message.content, `${at}.content`),
        }]);
      default:
        throw new ConversionError(
          `Messages with role "${message.role}" cannot be sent to Anthropic; use tool messages`,
          `${at}.role`,
        );
    }
  });
  if (turns.length === 0) {
    throw new ConversionError("Anthropic needs at least one user or assistant message", "messages");
  }
  const instruction = jsonInstruction(body.response_format);
  if (instruction) system.push(instruction);

  const out: MessagesRequest = {
    model: options.model,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? options.defaultMaxTokens,
    messages: turns.map(simplify),
  };
  if (system.length > 0) out.system = system.join("\n\n");
  if (options.stream) out.stream = true;
  if (typeof body.temperature === "number") out.temperature = Math.min(body.temperature, 1);
  if (typeof body.top_p === "number") out.top_p = body.top_p;
  // Not an OpenAI field, but vLLM-style clients send it and Anthropic supports it.
  if (typeof body.top_k === "number") out.top_k = body.top_k;
  if (body.stop) out.stop_sequences = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (typeof body.user === "string") out.metadata = { user_id: body.user };
  if (body.tools && body.tools.length > 0) {
    out.tools = body.tools.map((tool, i) => {
      if (tool.type !== "function" || !tool.function) {
        throw new ConversionError(
          `Tool type "${tool.type}" cannot be sent to Anthropic; only function tools can`,
          `tools[${i}].type`,
        );
      }
      const fn = tool.function as { name: string; description?: string; parameters?: unknown };
      return {
        name: fn.name,
        ...(fn.description ? { description: fn.description } : {}),
        input_schema: (fn.parameters as Record<string, unknown>) ??
          { type: "object", properties: {} },
      };
    });
    const choice = toolChoice(body.tool_choice, body.parallel_tool_calls === false);
    if (choice) out.tool_choice = choice;
  }
  return out;
}

function toolChoice(
  choice: ChatCompletionRequest["tool_choice"],
  noParallel: boolean,
): ToolChoice | undefined {
  const parallel = noParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any", ...parallel };
  if (choice && typeof choice === "object") {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name === "string") return { type: "tool", name, ...parallel };
  }
  return noParallel ? { type: "auto", ...parallel } : undefined;
}

function assistantBlocks(message: ChatMessage, at: string): ContentBlockParam[] {
  const blocks = contentBlocks(message.content, `${at}.content`);
  message.tool_calls?.forEach((call, j) => {
    let input: unknown;
    try {
      input = call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
    } catch (error) {
      throw new ConversionError(
        `Tool call arguments are not valid JSON: ${error instanceof Error ? error.message : error}`,
        `${at}.tool_calls[${j}].function.arguments`,
      );
    }
    blocks.push({ type: "tool_use", id: toolUseId(call.id), name: call.function.name, input });
  });
  return blocks;
}

/** OpenAI content (string or parts) → Anthropic blocks; empty text is dropped (Anthropic
 * rejects empty text blocks). */
function contentBlocks(content: ChatMessage["content"], at: string): ContentBlockParam[] {
  if (content == null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: ContentBlockParam[] = [];
  content.forEach((part: Part, i) => {
    const here = `${at}[${i}]`;
    switch (part.type) {
      case "text":
      case "refusal": {
        const text = String(part.text ?? part.refusal ?? "");
        if (text !== "") blocks.push({ type: "text", text });
        return;
      }
      case "image_url": {
        const image = part.image_url as string | { url?: unknown } | undefined;
        const url = typeof image === "string" ? image : String(image?.url ?? "");
        return void blocks.push({ type: "image", source: mediaSource(url, `${here}.image_url`) });
      }
      case "file": {
        const file = (part.file ?? {}) as { file_data?: unknown };
        if (typeof file.file_data !== "string") {
          throw new ConversionError("Only inline files (file_data) can be sent to Anthropic", here);
        }
        return void blocks.push({
          type: "document",
          source: mediaSource(file.file_data, `${here}.file.file_data`),
        });
      }
      default:
        throw new ConversionError(
          `Content part type "${part.type}" cannot be sent to Anthropic`,
          `${here}.type`,
        );
    }
  });
  return blocks;
}

/** A `data:` URL becomes a base64 source, anything else a URL source. */
function mediaSource(url: string, at: string) {
  if (!url.startsWith("data:")) return { type: "url" as const, url };
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (!match) throw new ConversionError("Data URLs must be base64-encoded", at);
  return { type: "base64" as const, media_type: match[1], data: match[3] };
}

function plainText(content: ChatMessage["content"], at: string): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return contentBlocks(content, at)
    .map((b) => b.type === "text" ? (b as { text: string }).text : "")
    .filter((t) => t !== "")
    .join("\n");
}

/** A turn made of one text block reads better, and caches the same, as a plain string. */
function simplify(turn: MessageParam): MessageParam {
  const blocks = turn.content;
  if (Array.isArray(blocks) && blocks.length === 1 && blocks[0].type === "text") {
    return { role: turn.role, content: (blocks[0] as { text: string }).text };
  }
  return turn;
}

function jsonInstruction(format: ChatCompletionRequest["response_format"]): string | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") {
    return "Respond with a single valid JSON object and nothing else: no prose, no code fences.";
  }
  if (format.type === "json_schema") {
    const spec = (format as { json_schema?: { name?: unknown; schema?: unknown } }).json_schema;
    return "Respond with a single valid JSON value and nothing else: no prose, no code fences. " +
      `It must conform to this JSON Schema${
        typeof spec?.name === "string" ? ` ("${spec.name}")` : ""
      }:\n` +
      JSON.stringify(spec?.schema ?? {});
  }
  return undefined;
}
