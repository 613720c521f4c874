/**
 * Responses input items → OpenAI chat messages, for channels without the Responses API.
 *
 * - `instructions` lead as a system message; `system` and `developer` messages stay in place as
 *   system messages (chat-only servers rarely know `developer`; Anthropic and Gemini treat both
 *   alike).
 * - Consecutive assistant items (reasoning, output messages, `function_call`s) join one assistant
 *   message, as chat has them: text in `content`, calls in `tool_calls`, reasoning in
 *   `reasoning_content` / `reasoning_details` (`reasoning.ts`).
 * - `function_call_output` becomes a `tool` message; `item_reference` is looked up in the stored
 *   conversation.
 * - Content that is one text part is sent as a string, and system content always is: chat-only
 *   servers know strings best, and some know nothing else there.
 * - Parts: `input_text` → text, `input_image` → `image_url`, `input_file` → `file`,
 *   `input_audio` → `input_audio`. What chat cannot carry (a file by URL, an image by file id,
 *   built-in tool calls) is a {@link ConversionError} naming the field.
 */
import type { ChatMessage } from "../openai.ts";
import { ConversionError } from "./errors.ts";
import type { Item } from "./input_items.ts";
import { reasoningToChat } from "./reasoning.ts";

type Message = ChatMessage & Record<string, unknown>;
type Part = Record<string, unknown> & { type?: unknown };
/** A chat content part. */
type ChatPart = { type: string; [key: string]: unknown };

/** Converts `items` (already normalised). @throws {ConversionError} */
export function inputToMessages(
  items: readonly Item[],
  instructions: string | null | undefined,
  references: ReadonlyMap<string, Item> = new Map(),
): Message[] {
  const messages: Message[] = [];
  if (instructions) messages.push({ role: "system", content: instructions });
  /** The assistant message being assembled from consecutive assistant items. */
  let assistant: Message | undefined;
  const openAssistant = (): Message => {
    if (!assistant) messages.push(assistant = { role: "assistant", content: null });
    return assistant;
  };
  items.forEach((original, i) => {
    const at = `input[${i}]`;
    const item = original.type === "item_reference" ? resolve(original, references, at) : original;
    const type = item.type ?? "message";
    if (type === "message" && item.role === "assistant") {
      // A message joins the reasoning before it; one after text or calls is a turn of its own.
      if (assistant?.tool_calls || typeof assistant?.content === "string") assistant = undefined;
      openAssistant().content = assistantText(item.content, at);
    } else if (type === "function_call") {
      const calls = (openAssistant().tool_calls ??= []);
      calls.push(functionCall(item, at));
    } else if (type === "reasoning") {
      if (assistant?.tool_calls || assistant?.content) assistant = undefined;
      Object.assign(openAssistant(), reasoningToChat(item, at));
    } else {
      assistant = undefined;
      messages.push(
        type === "message" ? inputMessage(item, at) : toolMessage(item, type as string, at),
      );
    }
  });
  return messages;
}

function resolve(item: Item, references: ReadonlyMap<string, Item>, at: string): Item {
  const found = typeof item.id === "string" ? references.get(item.id) : undefined;
  if (!found) {
    throw new ConversionError(
      `Item reference "${String(item.id)}" is not part of the stored conversation`,
      `${at}.id`,
    );
  }
  return found;
}

function inputMessage(item: Item, at: string): Message {
  const role = item.role === "user" ? "user" : "system";
  if (item.role !== "user" && item.role !== "system" && item.role !== "developer") {
    throw new ConversionError(`Unknown message role "${String(item.role)}"`, `${at}.role`);
  }
  const content = item.content;
  if (typeof content === "string") return { role, content };
  if (!Array.isArray(content)) {
    throw new ConversionError(
      "Message content must be a string or a list of parts",
      `${at}.content`,
    );
  }
  const parts = content.map((part, j) => inputPart(part as Part, `${at}.content[${j}]`));
  const texts = parts.every((p) => p.type === "text");
  if (role === "system" && !texts) {
    throw new ConversionError("System and developer messages may hold only text", `${at}.content`);
  }
  if (role === "system" || (texts && parts.length === 1)) {
    return { role, content: parts.map((p) => p.text).join("\n") };
  }
  return { role, content: parts };
}

function inputPart(part: Part, at: string): ChatPart {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: stringField(part, "text", at) };
    case "input_image": {
      if (typeof part.image_url !== "string") {
        throw new ConversionError(
          "Only images given by image_url (a URL or a data URL) can be sent to chat channels",
          `${at}.image_url`,
        );
      }
      const detail = typeof part.detail === "string" ? { detail: part.detail } : {};
      return { type: "image_url", image_url: { url: part.image_url, ...detail } };
    }
    case "input_file": {
      if (typeof part.file_url === "string") {
        throw new ConversionError(
          "Files given by file_url cannot be sent to chat channels; send file_data",
          `${at}.file_url`,
        );
      }
      const file: Part = {};
      for (const key of ["file_data", "file_id", "filename"]) {
        if (typeof part[key] === "string") file[key] = part[key];
      }
      if (file.file_data === undefined && file.file_id === undefined) {
        throw new ConversionError("An input_file needs file_data or file_id", at);
      }
      return { type: "file", file };
    }
    case "input_audio":
      return { type: "input_audio", input_audio: part.input_audio };
    default:
      throw new ConversionError(
        `Content part type "${String(part.type)}" cannot be sent to chat channels`,
        `${at}.type`,
      );
  }
}

function assistantText(content: unknown, at: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: Part, j) => {
    const here = `${at}.content[${j}]`;
    if (part.type === "output_text" || part.type === "input_text") {
      return stringField(part, "text", here);
    }
    if (part.type === "refusal") return stringField(part, "refusal", here);
    throw new ConversionError(
      `Assistant content part type "${String(part.type)}" cannot be sent to chat channels`,
      `${here}.type`,
    );
  }).join("");
}

function functionCall(item: Item, at: string) {
  return {
    id: stringField(item, "call_id", at),
    type: "function",
    function: {
      name: stringField(item, "name", at),
      arguments: stringField(item, "arguments", at),
    },
  };
}

function toolMessage(item: Item, type: string, at: string): Message {
  if (type !== "function_call_output") {
    throw new ConversionError(
      `Input item type "${type}" is served only by channels with the Responses API`,
      `${at}.type`,
    );
  }
  const output = item.output;
  let content: string | ChatPart[];
  if (typeof output === "string") content = output;
  else if (Array.isArray(output)) {
    content = output.map((part: Part, j) => {
      const here = `${at}.output[${j}]`;
      if (part.type !== "input_text") {
        throw new ConversionError(
          `Function output part type "${String(part.type)}" cannot be sent to chat channels`,
          `${here}.type`,
        );
      }
      return { type: "text", text: stringField(part, "text", here) };
    });
  } else throw new ConversionError("Missing required parameter", `${at}.output`);
  return { role: "tool", tool_call_id: stringField(item, "call_id", at), content };
}

function stringField(object: Part, key: string, at: string): string {
  const value = object[key];
  if (typeof value !== "string") {
    throw new ConversionError(
      value === undefined ? "Missing required parameter" : "Expected a string",
      `${at}.${key}`,
    );
  }
  return value;
}
