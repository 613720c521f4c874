import assert from "node:assert/strict";
import type { ChatCompletionRequest } from "../openai.ts";
import { UpstreamError } from "../../errors.ts";
import { jsonFixture } from "./_fixtures.ts";
import { geminiToChat } from "./chat_response.ts";
import { chatLogprobs, logprobsConfig } from "./logprobs.ts";

const req = (extra: Partial<ChatCompletionRequest>) =>
  ({ model: "m", messages: [], ...extra }) as ChatCompletionRequest;

Deno.test("logprobsConfig() maps logprobs and top_logprobs to Gemini's fields", () => {
  assert.deepEqual(logprobsConfig(req({ logprobs: true, top_logprobs: 2 })), {
    responseLogprobs: true,
    logprobs: 2,
  });
  assert.deepEqual(logprobsConfig(req({ logprobs: true })), { responseLogprobs: true });
  assert.deepEqual(logprobsConfig(req({})), {});
  assert.throws(
    () => logprobsConfig(req({ top_logprobs: 3 })),
    (e: unknown) => e instanceof UpstreamError && e.status === 400,
  );
});

Deno.test("geminiToChat() converts logprobsResult to OpenAI's logprobs (generate_content_logprobs.json)", async () => {
  const body = await jsonFixture("generate_content_logprobs.json");
  const completion = geminiToChat(body, { model: "m", nextCallId: () => "x" });
  assert.deepEqual(completion.choices[0].logprobs, {
    content: [
      {
        token: "Yes",
        logprob: -0.0021,
        bytes: [89, 101, 115],
        top_logprobs: [
          { token: "Yes", logprob: -0.0021, bytes: [89, 101, 115] },
          { token: "No", logprob: -6.31, bytes: [78, 111] },
        ],
      },
      {
        token: ".",
        logprob: -0.1,
        bytes: [46],
        top_logprobs: [
          { token: ".", logprob: -0.1, bytes: [46] },
          { token: "!", logprob: -2.4, bytes: [33] },
        ],
      },
    ],
    refusal: null,
  });
  assert.equal(chatLogprobs(undefined), undefined);
});
