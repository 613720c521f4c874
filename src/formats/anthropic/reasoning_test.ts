import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import { blocksOfDetails, detailsOfBlocks } from "./reasoning.ts";
import type { Message } from "./response.ts";

Deno.test("detailsOfBlocks() and blocksOfDetails() round-trip Claude's blocks byte for byte", () => {
  const message = fixtureJson<Message>("message_redacted_thinking.json");
  const thinking = message.content.filter((b) => b.type !== "text");
  const details = detailsOfBlocks(message.content);
  assert.deepEqual(details.map((d) => [d.type, d.index]), [
    ["reasoning.text", 0],
    ["reasoning.encrypted", 1],
  ]);
  assert.equal(JSON.stringify(blocksOfDetails(details)), JSON.stringify(thinking));
});

Deno.test("blocksOfDetails() joins streamed fragments and skips what Anthropic cannot verify", () => {
  const blocks = blocksOfDetails([
    { type: "reasoning.text", text: "Let me ", format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.text", text: "think.", format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.text", signature: "sig", format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.text", text: "unsigned", format: "anthropic-claude-v1", index: 1 },
    { type: "reasoning.encrypted", data: "gem", format: "google-gemini-v1", index: 2 },
    { type: "reasoning.future", format: "anthropic-claude-v1" },
    "not a detail",
  ]);
  assert.deepEqual(blocks, [{ type: "thinking", thinking: "Let me think.", signature: "sig" }]);
  assert.deepEqual(blocksOfDetails(undefined), []);
});
