/**
 * Reasoning and caching through a real gateway, with the official `openai` and
 * `@anthropic-ai/sdk` clients, against local upstreams that speak Anthropic's, Gemini's and
 * OpenAI's (DeepSeek's) protocols with the wire forms in `test/fixtures/{anthropic,gemini}/`:
 * effort settings arrive as each provider's own control, thinking comes back as reasoning
 * (whole and streamed), signed thinking replays byte for byte to its own family and is dropped
 * on failover to another, cached and reasoning tokens reach the records, and what a target
 * cannot do is a clear 400.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { fixtureText } from "./fixtures/anthropic/_load.ts";
import { startGateway, startUpstream, type TestGateway, type Upstream } from "./_harness.ts";

const KEY = "sk-gateway-test";
const GEMINI = new URL("./fixtures/gemini/", import.meta.url);

const json = (text: string, status = 200) =>
  new Response(text, { status, headers: { "content-type": "application/json" } });
const sse = (text: string) =>
  new Response(text, { headers: { "content-type": "text/event-stream" } });
const geminiFixture = (name: string) => Deno.readTextFileSync(new URL(name, GEMINI));
/** A Gemini JSON fixture without its `_source` citation, as Gemini would send it. */
const geminiAnswer = (name: string) => {
  const { _source, ...body } = JSON.parse(geminiFixture(name));
  return body as { candidates: { content: { parts: unknown[] } }[] };
};

/** Speaks Anthropic: the model picks the answer, the turn number too. */
function claudeUpstream(): Upstream {
  return startUpstream((_request, text) => {
    const body = JSON.parse(text) as { model: string; stream?: boolean; messages: unknown[] };
    if (body.model === "claude-failover") return json(fixtureText("error_overloaded.json"), 529);
    if (body.stream) return sse(fixtureText("stream_thinking.txt"));
    return json(
      fixtureText(
        body.messages.length > 1 ? "message_final_answer.json" : "message_thinking_tool_use.json",
      ),
    );
  });
}

/** Speaks Gemini: a first turn gets a thought and a signed call, a later one the answer. */
function geminiUpstream(): Upstream {
  return startUpstream((request, text) => {
    if (request.url.includes(":streamGenerateContent")) {
      return sse(geminiFixture("stream_thoughts.sse"));
    }
    const turns = (JSON.parse(text) as { contents: unknown[] }).contents.length;
    return Response.json(
      geminiAnswer(
        turns > 1 ? "generate_content_thinking_text.json" : "generate_content_thinking_call.json",
      ),
    );
  });
}

/** Speaks OpenAI as DeepSeek does (reasoning_content, prompt_cache_hit_tokens). */
function deepseekUpstream(): Upstream {
  return startUpstream((_request, text) => {
    const body = JSON.parse(text) as { stream?: boolean };
    return body.stream
      ? sse(fixtureText("openai_deepseek_reasoning_stream.txt"))
      : json(fixtureText("openai_deepseek_reasoning.json"));
  });
}

interface World {
  gateway: TestGateway;
  claude: Upstream;
  gem: Upstream;
  deepseek: Upstream;
  openai: OpenAI;
  anthropic: Anthropic;
}

async function withWorld(run: (w: World) => Promise<void>) {
  const claude = claudeUpstream();
  const gem = geminiUpstream();
  const deepseek = deepseekUpstream();
  const gateway = await startGateway(`
keys:
  - { name: tester, key: ${KEY} }
channels:
  - { name: claude, plugin: anthropic, base_url: "${claude.url}/v1", keys: [a], models: [claude-sonnet-4-5, claude-opus-4-7] }
  - { name: claude-busy, plugin: anthropic, base_url: "${claude.url}/v1", keys: [a], models: [claude-failover], priority: 1, retry: 0 }
  - { name: gpt-spare, plugin: openai, base_url: "${deepseek.url}/v1", keys: [o], models: [claude-failover], priority: 2 }
  - { name: gem, plugin: gemini, base_url: "${gem.url}/v1beta", keys: [g], models: [gemini-2.5-flash, gemini-3-pro-preview] }
  - { name: deepseek, plugin: deepseek, base_url: "${deepseek.url}/v1", keys: [d], models: [deepseek-v4-pro] }
`);
  const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
  try {
    await run({ gateway, claude, gem, deepseek, openai, anthropic });
  } finally {
    await gateway.close();
    await Promise.all([claude.close(), gem.close(), deepseek.close()]);
  }
}

const sent = (upstream: Upstream, i = 0) => JSON.parse(upstream.received[i].body);
const TOOLS: OpenAI.ChatCompletionTool[] = [{
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: {} } },
}];
type Extra = Record<string, unknown>;
/** The SDK's message param type knows no reasoning fields; the wire carries them anyway. */
const asParam = (message: unknown) => message as OpenAI.ChatCompletionMessageParam;

Deno.test("reasoning e2e: reasoning_effort arrives as each provider's thinking control", () =>
  withWorld(async ({ openai, claude, gem, deepseek }) => {
    const ask = (model: string, effort: string) =>
      openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Weather?" }],
        reasoning_effort: effort as OpenAI.ReasoningEffort,
      });
    await ask("claude-sonnet-4-5", "medium");
    await ask("claude-opus-4-7", "high");
    await ask("gemini-2.5-flash", "low");
    await ask("gemini-3-pro-preview", "medium");
    await ask("deepseek-v4-pro", "none");
    assert.deepEqual(
      [sent(claude, 0).thinking, sent(claude, 0).max_tokens],
      [{ type: "enabled", budget_tokens: 8192 }, 8192 + 4096],
    );
    assert.deepEqual([sent(claude, 1).thinking, sent(claude, 1).output_config], [
      { type: "adaptive" },
      { effort: "high" },
    ]);
    assert.deepEqual(sent(gem, 0).generationConfig.thinkingConfig, {
      thinkingBudget: 1024,
      includeThoughts: true,
    });
    // Gemini 3 Pro knows low and high only: medium rounds up, as Google's own mapping does.
    assert.deepEqual(sent(gem, 1).generationConfig.thinkingConfig, {
      thinkingLevel: "high",
      includeThoughts: true,
    });
    assert.deepEqual(sent(deepseek, 0).thinking, { type: "disabled" });
    assert.equal(sent(deepseek, 0).reasoning_effort, undefined);
  }));

Deno.test("reasoning e2e: thinking comes back as reasoning content, whole and streamed", () =>
  withWorld(async ({ openai }) => {
    const whole = await openai.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: TOOLS,
    });
    const message = whole.choices[0].message as OpenAI.ChatCompletionMessage & Extra;
    assert.match(String(message.reasoning_content), /^The user wants to know the current weather/);
    assert.equal((message.reasoning_details as Extra[])[0].format, "anthropic-claude-v1");

    for (const model of ["claude-sonnet-4-5", "gemini-3-pro-preview"]) {
      const stream = await openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Compare." }],
        stream: true,
      });
      let reasoning = "";
      let content = "";
      const details: Extra[] = [];
      for await (const chunk of stream) {
        const delta = (chunk.choices[0]?.delta ?? {}) as Extra;
        reasoning += (delta.reasoning_content as string | undefined) ?? "";
        content += (delta.content as string | undefined) ?? "";
        details.push(...(delta.reasoning_details as Extra[] | undefined) ?? []);
      }
      assert.ok(reasoning.length > 20, model);
      assert.ok(content.length > 10, model);
      assert.ok(details.some((d) => d.signature || d.data), `${model} streams its signature`);
    }
  }));

Deno.test("reasoning e2e: signed thinking round-trips byte-identical to Anthropic and to Gemini", () =>
  withWorld(async ({ openai, claude, gem }) => {
    for (
      const [model, upstream] of [["claude-sonnet-4-5", claude], [
        "gemini-3-pro-preview",
        gem,
      ]] as const
    ) {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: "user", content: "Is flight AA100 on time?" },
      ];
      const first = await openai.chat.completions.create({ model, messages, tools: TOOLS });
      const answer = first.choices[0].message;
      messages.push(asParam(answer), {
        role: "tool",
        tool_call_id: answer.tool_calls![0].id,
        content: '{"status":"delayed"}',
      });
      const second = await openai.chat.completions.create({ model, messages, tools: TOOLS });
      assert.equal(second.choices[0].finish_reason, "stop", model);
      const replayed = sent(upstream, upstream.received.length - 1);
      if (upstream === claude) {
        const original = JSON.parse(fixtureText("message_thinking_tool_use.json")).content;
        assert.equal(JSON.stringify(replayed.messages[1].content), JSON.stringify(original));
      } else {
        const original = geminiAnswer("generate_content_thinking_call.json").candidates[0].content;
        assert.equal(JSON.stringify(replayed.contents[1].parts), JSON.stringify(original.parts));
      }
    }
  }));

Deno.test("reasoning e2e: failover from Anthropic to OpenAI drops the signed details without error", () =>
  withWorld(async ({ openai, claude, deepseek, gateway }) => {
    const claudeTurn = JSON.parse(fixtureText("message_thinking_tool_use.json"));
    const answer = await openai.chat.completions.create({
      model: "claude-failover",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        asParam({
          role: "assistant",
          content: claudeTurn.content[1].text,
          reasoning_content: claudeTurn.content[0].thinking,
          reasoning_details: [{
            type: "reasoning.text",
            text: claudeTurn.content[0].thinking,
            signature: claudeTurn.content[0].signature,
            format: "anthropic-claude-v1",
            index: 0,
          }],
        }),
        { role: "user", content: "And tomorrow?" },
      ],
    });
    assert.equal(answer.choices[0].finish_reason, "stop");
    assert.equal(claude.received.length, 1, "the Anthropic channel was tried first");
    assert.deepEqual(sent(deepseek).messages[1], {
      role: "assistant",
      content: claudeTurn.content[1].text,
    });
    const [record] = await gateway.recorded(1);
    assert.equal(record.channel, "gpt-spare");
    assert.equal(record.attempts, 2);
  }));

Deno.test("reasoning e2e: cached and reasoning tokens reach the request records", () =>
  withWorld(async ({ openai, gateway }) => {
    for (const model of ["claude-sonnet-4-5", "gemini-3-pro-preview", "deepseek-v4-pro"]) {
      await openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "q" }],
        prompt_cache_key: "tenant-7",
      });
    }
    const records = await gateway.recorded(3);
    assert.deepEqual(records.map((r) => r.usage), [
      { prompt: 1824, completion: 187, cached: 800 },
      { prompt: 1180, completion: 138, cached: 1024, reasoning: 120 },
      { prompt: 16, completion: 80, reasoning: 62 },
    ]);
  }));

Deno.test("reasoning e2e: prompt_cache_key reaches OpenAI-style upstreams; cache_control reaches Anthropic", () =>
  withWorld(async ({ openai, claude, deepseek }) => {
    await openai.chat.completions.create({
      model: "deepseek-v4-pro",
      messages: [{ role: "user", content: "q" }],
      prompt_cache_key: "tenant-7",
    });
    assert.equal(sent(deepseek).prompt_cache_key, "tenant-7");
    const cache = { type: "ephemeral", ttl: "1h" };
    await openai.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [
        asParam({
          role: "system",
          content: [{ type: "text", text: "Rules", cache_control: cache }],
        }),
        { role: "user", content: "q" },
      ],
    });
    assert.deepEqual(sent(claude).system, [{ type: "text", text: "Rules", cache_control: cache }]);
  }));

Deno.test("reasoning e2e: an Anthropic client's thinking reaches a DeepSeek channel and comes back", () =>
  withWorld(async ({ anthropic, deepseek }) => {
    const message = await anthropic.messages.create({
      model: "deepseek-v4-pro",
      max_tokens: 8000,
      thinking: { type: "enabled", budget_tokens: 6000 },
      messages: [{ role: "user", content: "Which is smaller, 9.11 or 9.8?" }],
    });
    assert.equal(sent(deepseek).reasoning_effort, "medium");
    assert.deepEqual(message.content[0], {
      type: "thinking",
      thinking: "Compare 9.11 and 9.8: the tenths digit 1 is less than 8, so 9.11 < 9.8.",
      signature: "",
    });
    const stream = anthropic.messages.stream({
      model: "deepseek-v4-pro",
      max_tokens: 8000,
      messages: [{ role: "user", content: "Again?" }],
    });
    const final = await stream.finalMessage();
    assert.equal(final.content[0].type, "thinking");
    assert.equal(
      (final.content[0] as Anthropic.ThinkingBlock).thinking,
      "Compare the tenths: 1 < 8.",
    );
  }));

Deno.test("reasoning e2e: what a target cannot do is a clear 400, never a silent drop", () =>
  withWorld(async ({ openai, claude, gem }) => {
    const refused = async (body: Extra, pattern: RegExp) => {
      const error = await openai.chat.completions.create({
        messages: [{ role: "user", content: "q" }],
        ...body,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming).then(() => undefined, (e) => e);
      assert.ok(error instanceof OpenAI.APIError, `${JSON.stringify(body)} was not refused`);
      assert.equal(error.status, 400);
      assert.match(error.message, pattern);
      return error;
    };
    // The field is named where SDKs look for it, not only in the message.
    const logprobs = await refused(
      { model: "claude-sonnet-4-5", logprobs: true },
      /log probabilities/,
    );
    assert.equal(logprobs.code, "unsupported_parameter");
    assert.equal(logprobs.param, "logprobs");
    await refused({ model: "claude-sonnet-4-5", n: 2 }, /"n" must be 1/);
    await refused(
      { model: "claude-sonnet-4-5", reasoning_effort: "high", temperature: 0.2 },
      /temperature/,
    );
    await refused(
      { model: "claude-sonnet-4-5", reasoning_effort: "high", max_tokens: 1000 },
      /thinking budget/,
    );
    await refused(
      {
        model: "gemini-2.5-flash",
        modalities: ["text", "audio"],
        audio: { voice: "alloy", format: "wav" },
      },
      /audio/,
    );
    await refused({ model: "gemini-2.5-flash", reasoning_effort: "ultra" }, /ultra/);
    assert.equal(claude.received.length + gem.received.length, 0, "nothing reached an upstream");
    // Gemini does have log probabilities: they are asked for, not refused.
    await openai.chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "q" }],
      logprobs: true,
      top_logprobs: 2,
    });
    assert.deepEqual(
      [sent(gem).generationConfig.responseLogprobs, sent(gem).generationConfig.logprobs],
      [true, 2],
    );
  }));
