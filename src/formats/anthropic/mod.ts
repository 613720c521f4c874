/**
 * The Anthropic Messages API: wire-format schemas and converters to and from OpenAI chat, both
 * ways. Plugins reach it as `anthropic` from the plugin contract.
 *
 * @example Converting an OpenAI request for an Anthropic upstream
 * ```ts
 * import { anthropic } from "../src/plugin/contract.ts";
 *
 * const body = anthropic.chatToMessagesRequest(chatRequest, {
 *   model: "claude-sonnet-4-5",
 *   defaultMaxTokens: 4096,
 *   stream: false,
 * });
 * ```
 */
export * from "./request.ts";
export * from "./response.ts";
export * from "./errors.ts";
export { type ChatToMessagesOptions, chatToMessagesRequest } from "./request_from_chat.ts";
export { chatUsage, finishReasonOf, messageToChatCompletion } from "./response_to_chat.ts";
export {
  accumulateUsage,
  anthropicEventToChunks,
  type AnthropicStreamState,
  checkAnthropicEvent,
  createAnthropicStreamState,
  endAnthropicStream,
  parseStreamEvent,
} from "./stream_to_chat.ts";
export { messagesToChatRequest } from "./request_to_chat.ts";
export {
  anthropicUsage,
  chatCompletionToMessage,
  stopReasonOf,
  toolInput,
} from "./response_from_chat.ts";
export {
  chatEventToAnthropic,
  type ChatStreamState,
  createChatStreamState,
  endChatStream,
} from "./stream_from_chat.ts";
export { estimateMessagesTokens, MEDIA_TOKENS } from "./count_tokens.ts";
export {
  effortOfThinking,
  THINKING_TABLE,
  thinkingFields,
  type ThinkingMode,
  thinkingModeOf,
} from "./thinking.ts";
export { blocksOfDetails, detailsOfBlocks } from "./reasoning.ts";
