import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/anthropic/_load.ts";
import {
  fixtureEvents,
  fixtureJson as responsesFixture,
} from "../../../test/fixtures/responses/_load.ts";
import { chatToResponse } from "./chat_to_response.ts";
import { reasoningToChat } from "./reasoning.ts";
import { ResponsesRequest } from "./request.ts";
import { responseShell } from "./response.ts";
import { chatUsageOf } from "./usage.ts";

const NOW = 1_741_476_542_000;
const shell = (body: Record<string, unknown> = {}) =>
  responseShell(ResponsesRequest.parse({ model: "alias", input: "Hi", ...body }), "alias", NOW);

/** The Response with its random ids replaced by their prefixes, for exact comparison. */
function stable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value).replace(/"(resp|msg|fc|rs|call)_[0-9a-f]{32}"/g, '"$1_*"'),
  );
}

Deno.test("chatToResponse() converts a tool-call answer (openai_completion_tool_calls.json)", () => {
  const response = chatToResponse(
    fixtureJson("openai_completion_tool_calls.json"),
    shell({ instructions: "Be brief.", metadata: { a: "b" }, store: false }),
    NOW,
  );
  assert.deepEqual(stable(response), {
    id: "resp_*",
    object: "response",
    created_at: 1_741_476_542,
    status: "completed",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: "Be brief.",
    max_output_tokens: null,
    metadata: { a: "b" },
    model: "gpt-4o-mini",
    output: [{
      id: "fc_*",
      type: "function_call",
      status: "completed",
      arguments: '{\n"location": "Boston, MA"\n}',
      call_id: "call_abc123",
      name: "get_current_weather",
    }],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: {
      input_tokens: 82,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 17,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 99,
    },
    user: null,
    completed_at: 1_741_476_542,
  });
});

Deno.test("chatToResponse() keeps reasoning, text and refusals, and a cut answer is incomplete", () => {
  const response = chatToResponse(
    {
      choices: [{
        message: { content: "Hi", refusal: "no", reasoning_content: "thought" },
        finish_reason: "length",
      }],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 5,
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    },
    shell(),
    NOW,
  );
  assert.equal(response.status, "incomplete");
  assert.deepEqual(response.incomplete_details, { reason: "max_output_tokens" });
  assert.equal(response.model, "alias");
  assert.equal("completed_at" in response, false);
  assert.deepEqual(stable(response.output), [
    {
      id: "rs_*",
      type: "reasoning",
      summary: [],
      content: [{ type: "reasoning_text", text: "thought" }],
      status: "completed",
    },
    {
      id: "msg_*",
      type: "message",
      status: "incomplete",
      content: [
        { type: "output_text", annotations: [], logprobs: [], text: "Hi" },
        { type: "refusal", refusal: "no" },
      ],
      role: "assistant",
    },
  ]);
  assert.deepEqual(response.usage?.output_tokens_details, { reasoning_tokens: 2 });
  assert.equal(response.usage?.total_tokens, 8);
});

Deno.test("chatToResponse() carries signed reasoning so the next turn gets it back", () => {
  const details = [
    { type: "reasoning.text", text: "Thinking", signature: "sig", format: "anthropic-claude-v1" },
  ];
  const response = chatToResponse(
    {
      choices: [{
        message: { content: "Done", reasoning_content: "Thinking", reasoning_details: details },
        finish_reason: "stop",
      }],
    },
    shell(),
    NOW,
  );
  const item = response.output[0];
  assert.equal(item.type, "reasoning");
  assert.match(String(item.encrypted_content), /^sluice\.rd1\./);
  assert.deepEqual(reasoningToChat(item, "input[0]"), {
    reasoning_content: "Thinking",
    reasoning_details: details,
  });
  const own = chatToResponse(
    {
      choices: [{
        message: {
          content: "Done",
          reasoning_details: [
            { type: "reasoning.summary", summary: "Plan", format: "openai-responses-v1" },
            { type: "reasoning.encrypted", data: "gAAA", format: "openai-responses-v1" },
          ],
        },
        finish_reason: "stop",
      }],
    },
    shell(),
    NOW,
  );
  assert.deepEqual(stable(own.output[0]), {
    id: "rs_*",
    type: "reasoning",
    summary: [{ type: "summary_text", text: "Plan" }],
    encrypted_content: "gAAA",
    status: "completed",
  });
});

Deno.test("chatToResponse() survives an answer with nothing in it", () => {
  const response = chatToResponse(
    { choices: [{ message: null, finish_reason: null }] },
    shell(),
    NOW,
  );
  assert.equal(response.status, "completed");
  assert.deepEqual(stable(response.output), [{
    id: "msg_*",
    type: "message",
    status: "completed",
    content: [{ type: "output_text", annotations: [], logprobs: [], text: "" }],
    role: "assistant",
  }]);
  assert.deepEqual(response.usage, {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  });
});

Deno.test("chatUsageOf() reads native Responses usage, whole and streamed", () => {
  const usage = {
    input_tokens: 291,
    input_tokens_details: { cached_tokens: 128 },
    output_tokens: 23,
    output_tokens_details: { reasoning_tokens: 4 },
    total_tokens: 314,
  };
  const chat = {
    prompt_tokens: 291,
    completion_tokens: 23,
    total_tokens: 314,
    prompt_tokens_details: { cached_tokens: 128 },
    completion_tokens_details: { reasoning_tokens: 4 },
  };
  assert.deepEqual(chatUsageOf({ object: "response", usage }), chat);
  assert.deepEqual(chatUsageOf({ type: "response.completed", response: { usage } }), chat);
  assert.equal(chatUsageOf({ type: "response.created", response: { usage: null } }), undefined);
  assert.equal(chatUsageOf({ usage: { prompt_tokens: 1 } }), undefined);
  assert.equal(chatUsageOf("usage"), undefined);
});

Deno.test("chatUsageOf() reads the recorded answers' usage (response_text.json, stream_reasoning.txt)", () => {
  assert.deepEqual(chatUsageOf(responsesFixture("response_text.json")), {
    prompt_tokens: 36,
    completion_tokens: 87,
    total_tokens: 123,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });
  const found = fixtureEvents("stream_reasoning.txt")
    .filter((e) => e.data !== "[DONE]")
    .map((e) => chatUsageOf(JSON.parse(e.data)))
    .filter((u) => u !== undefined);
  // response.created carries zeros; response.completed the counts, which the pipeline keeps last.
  assert.equal(found.length, 2);
  assert.deepEqual(found.at(-1)?.completion_tokens_details, { reasoning_tokens: 2 });
});
