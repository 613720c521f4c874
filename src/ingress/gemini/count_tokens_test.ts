import assert from "node:assert/strict";
import { estimateCountTokens } from "./count_tokens.ts";

Deno.test("estimateCountTokens() counts text, media and a whole generate request", () => {
  const contents = [{ role: "user", parts: [{ text: "x".repeat(40) }] }];
  assert.equal(estimateCountTokens({ contents }), 10);
  assert.equal(
    estimateCountTokens({
      contents: [{ parts: [{ inlineData: { mimeType: "image/png", data: "A".repeat(9000) } }] }],
    }),
    258,
    "an image is priced by Gemini's per-image figure, not its base64 length",
  );
  assert.equal(
    estimateCountTokens({
      generateContentRequest: { contents, systemInstruction: { parts: [{ text: "y".repeat(8) }] } },
    }),
    12,
  );
});
