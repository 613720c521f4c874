/**
 * Anthropic Messages request → OpenAI chat request, so Anthropic clients (Claude Code, the
 * Anthropic SDK) can use any channel that speaks OpenAI chat.
 *
 * Where the dialects differ:
 * - `system` becomes the first message; `tool_result` blocks become `tool` messages placed right
 *   after the assistant's tool calls (OpenAI's rule), ahead of the rest of that user turn;
 * - a tool result's images cannot ride in a `tool` message, so they follow in a user message;
 *   `is_error` has no OpenAI field and is kept as an "Error: " prefix the model can read;
 * - signed thinking (a `thinking` block with a signature, `redacted_thinking`) becomes the
 *   assistant message's `reasoning_details` (format "anthropic-claude-v1"), which only an
 *   Anthropic-family channel replays; a thinking block without a signature is reasoning another
 *   family produced (`chatCompletionToMessage` marks it so) and goes back as `reasoning_content`,
 *   which DeepSeek-style thinking models require on tool-call turns;
 * - `thinking` / `output_config.effort` become `reasoning_effort` (see `thinking.ts`);
 * - `top_k` and `cache_control` have no OpenAI equivalent: OpenAI-style upstreams cache prompts
 *   on their own, so the breakpoints are dropped;
 * - server tools (no `input_schema`) and unknown block types cannot run elsewhere: 400.
 */
import type { ChatCompletionRequest } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import {
  type ContentBlockParam,
  knownBlock,
  type MessagesRequest,
  type SystemPrompt,
  type ToolChoice,
} from "./request.ts";
import { detailsOfBlocks, isSigned } from "./reasoning.ts";
import { effortOfThinking } from "./thinking.ts";

type ChatPart = { type: string; [key: string]: unknown };
type ChatMessage = ChatCompletionRequest["messages"][number];

/** Converts a validated Messages request. @throws {ConversionError} for what OpenAI lacks. */
export function messagesToChatRequest(body: MessagesRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: "system", content: system });

  body.messages.forEach((turn, i) => {
    const at = `messages[${i}].content`;
    const blocks: ContentBlockParam[] = typeof turn.content === "string"
      ? [{ type: "text", text: turn.content }]
      : turn.content;
    if (turn.role === "assistant") return void messages.push(assistantMessage(blocks, at));
    if (turn.role === "system") {
      return void messages.push({ role: "system", content: systemText(textOnly(blocks, at)) });
    }
    const parts: ChatPart[] = [];
    blocks.forEach((block, j) => {
      const known = knownBlock(block);
      if (known?.type === "tool_result") {
        const { text, images } = toolResultContent(known.content, `${at}[${j}].content`);
        messages.push({
          role: "tool",
          tool_call_id: known.tool_use_id,
          content: known.is_error ? `Error: ${text}` : text,
        });
        parts.push(...images);
      } else {
        const part = userPart(block, `${at}[${j}]`);
        if (part) parts.push(part);
      }
    });
    if (parts.length > 0) messages.push({ role: "user", content: simplify(parts) });
  });

  const out: ChatCompletionRequest = { model: body.model, messages, max_tokens: body.max_tokens };
  if (body.stream) out.stream = true;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  if (body.stop_sequences && body.stop_sequences.length > 0) out.stop = body.stop_sequences;
  if (typeof body.metadata?.user_id === "string") out.user = body.metadata.user_id;
  const effort = effortOfThinking(body.thinking, body.output_config);
  if (effort) out.reasoning_effort = effort;
  if (body.tools && body.tools.length > 0) {
    out.tools = body.tools.map((tool, i) => {
      if (!tool.input_schema) {
        throw new ConversionError(
          `Tool "${tool.name}"${tool.type ? ` (${tool.type})` : ""} is an Anthropic server tool ` +
            "and runs only on Anthropic channels",
          `tools[${i}]`,
        );
      }
      return {
        type: "function",
        function: {
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          parameters: tool.input_schema,
        },
      };
    });
    Object.assign(out, toolChoice(body.tool_choice));
  }
  return out;
}

function toolChoice(choice: ToolChoice | undefined): Record<string, unknown> {
  if (!choice) return {};
  const parallel = "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use
    ? { parallel_tool_calls: false }
    : {};
  switch (choice.type) {
    case "none":
      return { tool_choice: "none" };
    case "any":
      return { tool_choice: "required", ...parallel };
    case "tool":
      return { tool_choice: { type: "function", function: { name: choice.name } }, ...parallel };
    default:
      return { tool_choice: "auto", ...parallel };
  }
}

function assistantMessage(blocks: ContentBlockParam[], at: string): ChatMessage {
  let text = "";
  let reasoning = "";
  const toolCalls: NonNullable<ChatMessage["tool_calls"]> = [];
  blocks.forEach((block, j) => {
    const known = knownBlock(block);
    switch (known?.type) {
      case "text":
        text += known.text;
        return;
      case "tool_use":
        toolCalls.push({
          id: known.id,
          type: "function",
          function: { name: known.name, arguments: JSON.stringify(known.input ?? {}) },
        });
        return;
      case "thinking":
        if (!isSigned(known)) reasoning += known.thinking;
        return;
      case "redacted_thinking":
        return;
      default:
        throw unsupported(block, `${at}[${j}]`);
    }
  });
  const details = detailsOfBlocks(blocks.filter(isSigned));
  return {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
    ...(details.length > 0 ? { reasoning_details: details } : {}),
  };
}

function userPart(block: ContentBlockParam, at: string): ChatPart | undefined {
  const known = knownBlock(block);
  switch (known?.type) {
    case "text":
      return { type: "text", text: known.text };
    case "image": {
      const source = known.source;
      if (source.type === "base64") {
        return {
          type: "image_url",
          image_url: { url: `data:${source.media_type};base64,${source.data}` },
        };
      }
      if (source.type === "url") return { type: "image_url", image_url: { url: source.url } };
      throw new ConversionError("Images from the Files API run only on Anthropic channels", at);
    }
    case "document": {
      const source = known.source as { type: string; media_type?: unknown; data?: unknown };
      if (source.type === "text" && typeof source.data === "string") {
        return {
          type: "text",
          text: known.title ? `${known.title}\n\n${source.data}` : source.data,
        };
      }
      if (source.type === "base64" && typeof source.data === "string") {
        return {
          type: "file",
          file: {
            filename: known.title ?? "document.pdf",
            file_data: `data:${source.media_type};base64,${source.data}`,
          },
        };
      }
      throw new ConversionError(
        `Documents with a "${source.type}" source run only on Anthropic`,
        at,
      );
    }
    case "thinking":
    case "redacted_thinking":
      return undefined;
    default:
      throw unsupported(block, at);
  }
}

function toolResultContent(content: unknown, at: string): { text: string; images: ChatPart[] } {
  if (content === undefined || typeof content === "string") {
    return { text: content ?? "", images: [] };
  }
  const texts: string[] = [];
  const images: ChatPart[] = [];
  (content as ContentBlockParam[]).forEach((block, i) => {
    const part = userPart(block, `${at}[${i}]`);
    if (part?.type === "text") texts.push(String(part.text));
    else if (part) images.push(part);
  });
  return { text: texts.join("\n"), images };
}

function systemText(system: SystemPrompt | undefined): string {
  if (system === undefined) return "";
  return typeof system === "string" ? system : system.map((b) => b.text).join("\n\n");
}

function textOnly(blocks: ContentBlockParam[], at: string) {
  return blocks.map((block, j) => {
    const known = knownBlock(block);
    if (known?.type !== "text") throw unsupported(block, `${at}[${j}]`);
    return known;
  });
}

/** A lone text part reads better, and is accepted by more servers, as a plain string. */
function simplify(parts: ChatPart[]): string | ChatPart[] {
  return parts.length === 1 && parts[0].type === "text" ? String(parts[0].text) : parts;
}

function unsupported(block: ContentBlockParam, at: string): ConversionError {
  return new ConversionError(
    `Content block type "${block.type}" runs only on Anthropic channels`,
    `${at}.type`,
  );
}
