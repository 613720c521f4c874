/**
 * What plugins may use of the Anthropic format (reached as `anthropic` from the contract): the
 * wire schemas they validate upstream answers with, and the converters between Messages and
 * OpenAI chat on the upstream side. The ingress side of the conversion is not part of it.
 */
export {
  ConversionError,
  ErrorBody,
  Message,
  type MessagesRequest,
  StreamEvent,
} from "../formats/anthropic/mod.ts";
export { chatToMessagesRequest } from "../formats/anthropic/mod.ts";
export { chatUsage, messageToChatCompletion } from "../formats/anthropic/mod.ts";
export {
  accumulateUsage,
  anthropicEventToChunks,
  type AnthropicStreamState,
  checkAnthropicEvent,
  createAnthropicStreamState,
  endAnthropicStream,
} from "../formats/anthropic/mod.ts";
