/**
 * OpenAI chat messages → Gemini `contents` and `systemInstruction`.
 *
 * Gemini knows two roles, `user` and `model`; system and developer messages become the single
 * `systemInstruction`; tool results are `functionResponse` parts sent as the user, named after
 * the call they answer (Gemini matches responses to calls by name, not id). Consecutive turns of
 * one role are merged, since Gemini expects turns to alternate and wants all responses to a
 * parallel set of calls in one turn. An assistant turn's Gemini-family `reasoning_details` put
 * its thought parts and signatures back where Gemini had them (see `reasoning.ts`); reasoning of
 * other families, and `reasoning_content` alone, are not Gemini's to read and are left out.
 */
import type { ChatMessage } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import type { Content, Part } from "./schema.ts";
import { replayReasoning } from "./reasoning.ts";
import { decodeToolCallId, signatureFromExtra, SKIP_SIGNATURE } from "./tool_calls.ts";

export interface ContentsOptions {
  /** Put a placeholder signature on replayed calls that lack one (Gemini 3 rejects them). */
  fillMissingSignatures?: boolean;
}

export interface ConvertedContents {
  contents: Content[];
  systemInstruction?: Content;
}

type ContentPart = Record<string, unknown> & { type: string };

/** Converts a chat history. Throws {@link UpstreamError} 400 for what Gemini cannot take. */
export function messagesToContents(
  messages: readonly ChatMessage[],
  options: ContentsOptions = {},
): ConvertedContents {
  const system: Part[] = [];
  const contents: Content[] = [];
  /** Tool call id → function name and Gemini call id, from the assistant turns seen so far. */
  const calls = new Map<string, { name: string; id?: string }>();

  const push = (role: "user" | "model", parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts = [...(last.parts ?? []), ...parts];
    else contents.push({ role, parts });
  };

  for (const [i, message] of messages.entries()) {
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...textParts(message.content, i));
        break;
      case "user":
        push("user", userParts(message.content, i));
        break;
      case "assistant": {
        const replay = replayReasoning(message.reasoning_details);
        const text = textParts(message.content, i).map((part) =>
          replay.textSignature ? { ...part, thoughtSignature: replay.textSignature } : part
        );
        const parts = [...replay.thoughts, ...text];
        const toolCalls = [...(message.tool_calls ?? [])];
        const legacy = message.function_call as { name?: unknown; arguments?: unknown } | undefined;
        if (legacy && typeof legacy.name === "string") {
          toolCalls.push({
            id: `call_${legacy.name}`,
            type: "function",
            function: { name: legacy.name, arguments: String(legacy.arguments ?? "") },
          });
        }
        let first = true;
        for (const call of toolCalls) {
          const { id, signature } = decodeToolCallId(call.id);
          const geminiId = id.startsWith("call_") ? undefined : id;
          calls.set(call.id, { name: call.function.name, id: geminiId });
          const thoughtSignature = replay.callSignatures.get(call.id) ??
            signatureFromExtra(call) ?? signature ??
            (first && options.fillMissingSignatures ? SKIP_SIGNATURE : undefined);
          parts.push({
            functionCall: {
              ...(geminiId ? { id: geminiId } : {}),
              name: call.function.name,
              args: parseArguments(call.function.arguments, i),
            },
            ...(thoughtSignature ? { thoughtSignature } : {}),
          });
          first = false;
        }
        push("model", parts);
        break;
      }
      case "tool":
      case "function": {
        const callId = message.tool_call_id ?? message.name ?? "";
        const call = calls.get(callId);
        const name = call?.name ?? message.name;
        if (!name) {
          throw invalid(`messages[${i}]: no assistant tool call has id "${callId}"`);
        }
        push("user", [{
          functionResponse: {
            ...(call?.id ? { id: call.id } : {}),
            name,
            response: toResponseObject(plainText(message.content)),
          },
        }]);
        break;
      }
    }
  }
  return {
    contents,
    ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}),
  };
}

/**
 * A tool result as Gemini's `response` struct: a JSON object as is, anything else (other JSON,
 * plain text) wrapped as `{"result": ...}`.
 */
export function toResponseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    return { result: value };
  } catch {
    return { result: text };
  }
}

function parseArguments(text: string, i: number): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(`messages[${i}].tool_calls: arguments are not valid JSON`);
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  return { value };
}

function textParts(content: ChatMessage["content"], i: number): Part[] {
  const text = plainText(content, i);
  return text === "" ? [] : [{ text }];
}

/** Text of string or text-part content; other part types are an error where only text fits. */
function plainText(content: ChatMessage["content"], i?: number): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => {
    if (part.type === "text" && typeof part.text === "string") return part.text;
    if (i !== undefined) {
      throw invalid(`messages[${i}]: content part "${part.type}" is only allowed in user turns`);
    }
    return "";
  }).join("");
}

function userParts(content: ChatMessage["content"], i: number): Part[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((part, j) => userPart(part as ContentPart, `messages[${i}].content[${j}]`));
}

function userPart(part: ContentPart, where: string): Part {
  switch (part.type) {
    case "text":
      return { text: String(part.text ?? "") };
    case "image_url": {
      const image = part.image_url as { url?: unknown } | string | undefined;
      const url = typeof image === "string" ? image : image?.url;
      if (typeof url !== "string") throw invalid(`${where}: image_url.url is missing`);
      return mediaPart(url, "image/jpeg", where);
    }
    case "input_audio": {
      const audio = part.input_audio as { data?: unknown; format?: unknown } | undefined;
      if (typeof audio?.data !== "string") throw invalid(`${where}: input_audio.data is missing`);
      return { inlineData: { mimeType: `audio/${audio.format ?? "wav"}`, data: audio.data } };
    }
    case "file": {
      const file = part.file as { file_data?: unknown; file_id?: unknown } | undefined;
      if (typeof file?.file_data === "string") {
        return mediaPart(file.file_data, "application/pdf", where);
      }
      if (typeof file?.file_id === "string") {
        return { fileData: { fileUri: file.file_id } };
      }
      throw invalid(`${where}: file needs file_data or file_id`);
    }
    default:
      throw invalid(`${where}: content part type "${part.type}" is not supported by Gemini`);
  }
}

/** A `data:` URL becomes inline bytes; an http(s) URL a file reference. */
function mediaPart(url: string, fallbackMime: string, where: string): Part {
  const data = /^data:([^;,]+)?((?:;[^;,]*)*?);base64,(.*)$/s.exec(url);
  if (data) return { inlineData: { mimeType: data[1] ?? fallbackMime, data: data[3] } };
  if (/^https?:\/\//i.test(url) || url.startsWith("gs://")) {
    return { fileData: { mimeType: guessMimeType(url) ?? fallbackMime, fileUri: url } };
  }
  throw invalid(`${where}: expected a data: URL (base64) or an http(s) URL`);
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
  mp3: "audio/mp3",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  mp4: "video/mp4",
  mov: "video/mov",
  webm: "video/webm",
};

/** The MIME type implied by a URL's file extension, if it has a known one. */
export function guessMimeType(url: string): string | undefined {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not a URL object (e.g. gs://); fall back to the raw string.
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return extension ? MIME_BY_EXTENSION[extension] : undefined;
}

function invalid(message: string): UpstreamError {
  return new UpstreamError(400, message, "invalid_request_error");
}
