/**
 * Claude's thinking blocks ⇄ the chat dialect's `reasoning_details`, format
 * "anthropic-claude-v1" (OpenRouter's convention): a `thinking` block is a `reasoning.text`
 * detail with its `signature`, a `redacted_thinking` block a `reasoning.encrypted` detail with
 * its `data`. Both are replayed to Anthropic exactly as they came, in their order, which is what
 * multi-turn tool use with thinking requires (docs.anthropic.com/en/docs/build-with-claude/
 * extended-thinking#preserving-thinking-blocks); details of other families are never sent there.
 */
import { mergeReasoningDetails, REASONING_FORMAT, type ReasoningDetail } from "../openai.ts";

export const FORMAT = REASONING_FORMAT.anthropic;

interface BlockLike {
  type: string;
  [key: string]: unknown;
}

/** The thinking and redacted thinking blocks among `blocks`, in order, as details. */
export function detailsOfBlocks(blocks: readonly BlockLike[]): ReasoningDetail[] {
  const details: ReasoningDetail[] = [];
  for (const block of blocks) {
    const index = details.length;
    if (block.type === "thinking") {
      details.push({
        type: "reasoning.text",
        text: String(block.thinking ?? ""),
        ...(typeof block.signature === "string" ? { signature: block.signature } : {}),
        format: FORMAT,
        index,
      });
    } else if (block.type === "redacted_thinking") {
      details.push({
        type: "reasoning.encrypted",
        data: String(block.data ?? ""),
        format: FORMAT,
        index,
      });
    }
  }
  return details;
}

/**
 * A chat message's Anthropic details as the blocks Claude sent. Text without a signature cannot
 * be verified by Anthropic (it answers 400), so it is left out, as are other families' details.
 */
export function blocksOfDetails(details: unknown): BlockLike[] {
  const blocks: BlockLike[] = [];
  for (const detail of mergeReasoningDetails(details, FORMAT)) {
    if (detail.type === "reasoning.text" && detail.signature) {
      blocks.push({ type: "thinking", thinking: detail.text ?? "", signature: detail.signature });
    } else if (detail.type === "reasoning.encrypted") {
      blocks.push({ type: "redacted_thinking", data: detail.data });
    }
  }
  return blocks;
}

/** Whether a block is reasoning an Anthropic upstream signed (an empty signature is not). */
export function isSigned(block: BlockLike): boolean {
  return block.type === "redacted_thinking" ||
    (block.type === "thinking" && typeof block.signature === "string" && block.signature !== "");
}
