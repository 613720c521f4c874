import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import { estimateMessagesTokens, MEDIA_TOKENS } from "./count_tokens.ts";
import { CountTokensRequest } from "./request.ts";

Deno.test("estimateMessagesTokens() prices images flat, not by their base64 length", () => {
  const huge = "A".repeat(400_000);
  const tokens = estimateMessagesTokens(CountTokensRequest.parse({
    model: "m",
    messages: [{
      role: "user",
      content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: huge } }],
    }],
  }));
  assert.ok(tokens >= MEDIA_TOKENS && tokens < MEDIA_TOKENS + 50, String(tokens));
});

Deno.test("estimateMessagesTokens() counts system, messages and tools", () => {
  const body = CountTokensRequest.parse(fixtureJson("request_tools.json"));
  const withoutTools = estimateMessagesTokens({ ...body, tools: undefined });
  assert.ok(estimateMessagesTokens(body) > withoutTools);
  assert.ok(withoutTools > 2 * MEDIA_TOKENS - 1, "two images");
});
