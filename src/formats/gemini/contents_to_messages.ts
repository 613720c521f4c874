/**
 * A Gemini client's `contents` and `systemInstruction` → OpenAI chat messages, for a channel that
 * speaks chat. The reverse of `contents.ts`.
 *
 * Where the dialects differ:
 * - `systemInstruction` becomes the first (system) message;
 * - a `model` turn becomes an assistant message read as a Gemini answer is (`readParts`, shared
 *   with the plugin side): thoughts as `reasoning_content` and, with every signature,
 *   `reasoning_details` of format `google-gemini-v1`; a call's signature also rides on its id;
 * - function calls without an id get one (`call_<turn>_<n>`), and each `functionResponse` becomes
 *   a `tool` message answering the call it names (by id, else the first unanswered call of that
 *   name, as Gemini matches them), placed before the rest of its turn as OpenAI requires;
 * - media: images become `image_url` parts, WAV/MP3 `input_audio`, PDFs `file` parts, inline
 *   text plain text; what chat cannot carry (video, code execution parts) is a 400 that names
 *   the part.
 *
 * Reference: https://ai.google.dev/api/caching#Content (Part's data fields) and
 * https://ai.google.dev/gemini-api/docs/function-calling (the call/response turn pattern).
 */
import type { ChatMessage } from "../openai.ts";
import { unsupported } from "./_client_error.ts";
import { readParts } from "./chat_response.ts";
import type { Content, Part } from "./schema.ts";

type ChatPart = { type: string; [key: string]: unknown };

/** A call made in an earlier model turn, waiting for its response. */
interface Call {
  chatId: string;
  geminiId?: string;
  name: string;
  answered: boolean;
}

/**
 * Converts the conversation. @throws {GatewayError} 400 for parts chat cannot carry.
 *
 * @example
 * ```ts
 * contentsToMessages([{ role: "user", parts: [{ text: "Hi" }] }], { parts: [{ text: "Be brief." }] });
 * // → [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }]
 * ```
 */
export function contentsToMessages(contents: readonly Content[], system?: Content): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const systemText = textOnly(system?.parts, "systemInstruction");
  if (systemText !== "") messages.push({ role: "system", content: systemText });
  const calls: Call[] = [];
  contents.forEach((turn, i) => {
    const role = turn.role ?? "user";
    const parts = turn.parts ?? [];
    if (role === "model") return void messages.push(assistantMessage(parts, i, calls));
    if (role !== "user" && role !== "function") {
      throw unsupported(`contents[${i}].role`, `"${role}" is not one of user, model`);
    }
    const userParts: ChatPart[] = [];
    parts.forEach((part, j) => {
      const at = `contents[${i}].parts[${j}]`;
      if (part.functionResponse) {
        const { id, name, response } = part.functionResponse;
        const call = answeredCall(calls, id, name, at);
        messages.push({
          role: "tool",
          tool_call_id: call.chatId,
          content: JSON.stringify(response),
        });
      } else {
        const chat = userPart(part, at);
        if (chat) userParts.push(chat);
      }
    });
    if (userParts.length > 0) messages.push({ role: "user", content: simplify(userParts) });
  });
  return messages;
}

function assistantMessage(parts: readonly Part[], i: number, calls: Call[]): ChatMessage {
  parts.forEach((part, j) => {
    const known = part.functionCall || part.text !== undefined || hasOnly(part, "thoughtSignature");
    if (!known) {
      throw unsupported(
        `contents[${i}].parts[${j}]`,
        "only text, thoughts and function calls can be replayed in a model turn to this channel",
      );
    }
  });
  let n = 0;
  const { text, reasoning, toolCalls, details } = readParts(parts, () => `call_${i}_${n++}`);
  const geminiIds = parts.filter((p) => p.functionCall).map((p) => p.functionCall!.id);
  toolCalls.forEach((call, k) => {
    calls.push({
      chatId: call.id,
      geminiId: geminiIds[k],
      name: call.function.name,
      answered: false,
    });
  });
  return {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
    ...(details.length > 0 ? { reasoning_details: details } : {}),
  };
}

/** The call a `functionResponse` answers: by id when it has one, else by name. */
function answeredCall(calls: Call[], id: string | undefined, name: string, at: string): Call {
  const call =
    (id !== undefined ? calls.find((c) => !c.answered && c.geminiId === id) : undefined) ??
      calls.find((c) => !c.answered && c.name === name);
  if (!call) {
    throw unsupported(
      `${at}.functionResponse`,
      `no earlier functionCall ${id !== undefined ? `with id "${id}" or ` : ""}named "${name}"`,
    );
  }
  call.answered = true;
  return call;
}

function userPart(part: Part, at: string): ChatPart | undefined {
  if (part.text !== undefined) {
    return part.text === "" ? undefined : { type: "text", text: part.text };
  }
  if (part.inlineData) return inlinePart(part.inlineData.mimeType, part.inlineData.data, at);
  if (part.fileData) {
    const { mimeType, fileUri } = part.fileData;
    if ((mimeType ?? "").startsWith("image/") || (!mimeType && /^https?:\/\//i.test(fileUri))) {
      return { type: "image_url", image_url: { url: fileUri } };
    }
    throw unsupported(`${at}.fileData`, `files of type "${mimeType}" are read only by Gemini`);
  }
  if (part.functionCall) {
    throw unsupported(`${at}.functionCall`, "function calls belong in model turns");
  }
  if (hasOnly(part, "thoughtSignature")) return undefined;
  throw unsupported(at, `part with ${Object.keys(part).join(", ")} runs only on Gemini channels`);
}

/** Inline bytes as the chat part that carries that kind of media. */
function inlinePart(mimeType: string, data: string, at: string): ChatPart {
  const mime = mimeType.toLowerCase();
  if (mime.startsWith("image/")) {
    return { type: "image_url", image_url: { url: `data:${mime};base64,${data}` } };
  }
  const audio = ({
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/mp3": "mp3",
    "audio/mpeg": "mp3",
  } as Record<string, string>)[mime];
  if (audio) return { type: "input_audio", input_audio: { data, format: audio } };
  if (mime === "application/pdf") {
    return {
      type: "file",
      file: { filename: "document.pdf", file_data: `data:${mime};base64,${data}` },
    };
  }
  if (mime.startsWith("text/")) return { type: "text", text: decodeBase64Text(data, at) };
  throw unsupported(`${at}.inlineData.mimeType`, `"${mimeType}" is read only by Gemini`);
}

function decodeBase64Text(data: string, at: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
  } catch {
    throw unsupported(`${at}.inlineData.data`, "is not valid base64");
  }
}

/** The text of parts that may only be text (the system instruction). */
function textOnly(parts: readonly Part[] | undefined, at: string): string {
  return (parts ?? []).map((part, j) => {
    if (part.text !== undefined) return part.text;
    throw unsupported(`${at}.parts[${j}]`, "a system instruction may hold only text");
  }).join("\n");
}

/** Plain text stays a string (what every chat server takes); anything else a part list. */
function simplify(parts: ChatPart[]): string | ChatPart[] {
  return parts.every((p) => p.type === "text") ? parts.map((p) => p.text).join("\n") : parts;
}

function hasOnly(part: Part, key: string): boolean {
  return Object.keys(part).every((k) => k === key);
}
