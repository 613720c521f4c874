/**
 * Every shipped plugin, reached through both official SDKs: the Anthropic SDK on `/v1/messages`
 * (converted per channel) and the OpenAI SDK on `/v1/chat/completions`, streaming and not, text
 * and tool calls. Local servers speak each upstream's protocol: Gemini's (from the recorded
 * fixtures), Anthropic's, and OpenAI's for OpenAI, Azure and the OpenAI-compatible presets.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { sseResponse, startGateway, startUpstream, type Upstream } from "./_harness.ts";
import { fixtureText } from "./fixtures/anthropic/_load.ts";

const GEMINI = new URL("./fixtures/gemini/", import.meta.url);
const geminiFixture = (name: string) => Deno.readTextFile(new URL(name, GEMINI));
const geminiJson = async (name: string) => {
  const { _source, ...body } = JSON.parse(await geminiFixture(name));
  return body;
};

/** The weather tool, in each SDK's shape. */
const WEATHER = {
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { location: { type: "string" } } },
};

/** Speaks OpenAI's protocol at any path: a text answer, or a get_weather call when offered tools. */
function openAIProtocol(): Upstream {
  return startUpstream((_request, text) => {
    const body = JSON.parse(text) as { model: string; stream?: boolean; tools?: unknown[] };
    const base = { id: "chatcmpl-e", created: 1_700_000_000, model: body.model };
    const call = {
      id: "call_1",
      type: "function",
      function: { name: "get_weather", arguments: '{"location":"Paris"}' },
    };
    const usage = { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 };
    if (!body.stream) {
      const message = body.tools
        ? { role: "assistant", content: null, tool_calls: [call] }
        : { role: "assistant", content: `Hello from ${body.model}` };
      return Response.json({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message, finish_reason: body.tools ? "tool_calls" : "stop" }],
        usage,
      });
    }
    const chunk = (delta: unknown, finish: string | null = null) => ({
      ...base,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const events = body.tools
      ? [
        chunk({
          role: "assistant",
          content: null,
          tool_calls: [{ index: 0, ...call, function: { name: "get_weather", arguments: "" } }],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
        chunk({}, "tool_calls"),
      ]
      : [
        chunk({ role: "assistant", content: "Hello " }),
        chunk({ content: `from ${body.model}` }),
        chunk({}, "stop"),
      ];
    return sseResponse([
      ...events,
      { ...base, object: "chat.completion.chunk", choices: [], usage },
      "[DONE]",
    ]);
  });
}

/** Speaks Gemini's protocol from the recorded fixtures. */
function geminiProtocol(): Upstream {
  return startUpstream(async (request, text) => {
    const tools = JSON.parse(text).tools !== undefined;
    if (request.url.includes("alt=sse")) {
      const events = await geminiFixture(tools ? "stream_function_call.sse" : "stream_text.sse");
      return new Response(events, { headers: { "content-type": "text/event-stream" } });
    }
    if (!tools) return Response.json(await geminiJson("generate_content_stop.json"));
    // A get_weather call, in the shape of the recorded function-call answer.
    const answer = await geminiJson("generate_content_function_call.json");
    answer.candidates[0].content.parts = [
      { functionCall: { name: "get_weather", args: { location: "Paris" } } },
    ];
    return Response.json(answer);
  });
}

/** Speaks Anthropic's protocol from the recorded fixtures. */
function anthropicProtocol(): Upstream {
  return startUpstream((_request, text) => {
    const body = JSON.parse(text) as { stream?: boolean; tools?: unknown[] };
    const name = body.tools ? "tool_use" : "text";
    return body.stream
      ? new Response(fixtureText(`stream_${name}.txt`), {
        headers: { "content-type": "text/event-stream" },
      })
      : new Response(fixtureText(`message_${name}.json`), {
        headers: { "content-type": "application/json" },
      });
  });
}

/** What a streamed text answer reads as, where the stream recording differs from the answer's. */
const STREAMED_TEXT: Record<string, string> = {
  gemini: "The sky is blue because of Rayleigh scattering.",
  anthropic: "Hello there!",
};

const OPENAI_STYLE = [
  "openai",
  "azure",
  "deepseek",
  "zhipu",
  "dashscope",
  "moonshot",
  "ollama",
  "vllm",
];

Deno.test("every plugin serves the Anthropic SDK and the OpenAI SDK, streaming and not, with tools", async (t) => {
  const oai = openAIProtocol();
  const gem = geminiProtocol();
  const ant = anthropicProtocol();
  const gateway = await startGateway(`
channels:
${
    OPENAI_STYLE.map((p) =>
      `  - { name: ${p}, plugin: ${p}, base_url: "${oai.url}/v1", keys: [k], models: [m-${p}] }`
    ).join("\n")
  }
  - { name: gemini, plugin: gemini, base_url: "${gem.url}/v1beta", keys: [k], models: [m-gemini] }
  - { name: anthropic, plugin: anthropic, base_url: "${ant.url}/v1", keys: [k], models: [m-anthropic] }
  - { name: echo, plugin: echo, models: [m-echo], options: { models: [m-echo] } }
`);
  const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: "unused", maxRetries: 0 });
  const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const anthropicTools: Anthropic.Tool[] = [{
    name: WEATHER.name,
    description: WEATHER.description,
    input_schema: { type: "object", properties: { location: { type: "string" } } },
  }];
  const openaiTools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: WEATHER }];
  try {
    for (const plugin of [...OPENAI_STYLE, "gemini", "anthropic", "echo"]) {
      const model = `m-${plugin}`;
      const ask = {
        model,
        max_tokens: 64,
        messages: [{ role: "user" as const, content: "Weather in Paris?" }],
      };

      await t.step(`${plugin}: Anthropic SDK, text, non-stream and stream`, async () => {
        const message = await anthropic.messages.create(ask);
        assert.equal(message.type, "message");
        assert.equal(message.content[0].type, "text");
        assert.ok((message.content[0] as Anthropic.TextBlock).text.length > 0);
        assert.ok(message.usage.output_tokens > 0);
        const streamed = await anthropic.messages.stream(ask).finalMessage();
        assert.equal(streamed.content[0].type, "text");
        assert.equal(
          (streamed.content[0] as Anthropic.TextBlock).text,
          STREAMED_TEXT[plugin] ?? (message.content[0] as Anthropic.TextBlock).text,
        );
        assert.equal(streamed.stop_reason, "end_turn");
      });

      await t.step(`${plugin}: OpenAI SDK, text, non-stream and stream`, async () => {
        const answer = await openai.chat.completions.create({ model, messages: ask.messages });
        const text = answer.choices[0].message.content ?? "";
        assert.ok(text.length > 0);
        let streamed = "";
        const stream = await openai.chat.completions.create({
          model,
          messages: ask.messages,
          stream: true,
        });
        for await (const part of stream) streamed += part.choices[0]?.delta?.content ?? "";
        assert.equal(streamed, STREAMED_TEXT[plugin] ?? text);
      });

      if (plugin === "echo") continue; // echo answers text only

      await t.step(`${plugin}: Anthropic SDK, tool call, non-stream and stream`, async () => {
        for (
          const message of [
            await anthropic.messages.create({ ...ask, tools: anthropicTools }),
            await anthropic.messages.stream({ ...ask, tools: anthropicTools }).finalMessage(),
          ]
        ) {
          assert.equal(message.stop_reason, "tool_use");
          const use = message.content.find((b): b is Anthropic.ToolUseBlock =>
            b.type === "tool_use"
          );
          assert.equal(use?.name, "get_weather");
          assert.deepEqual(use?.input, { location: "Paris" });
        }
      });

      await t.step(`${plugin}: OpenAI SDK, tool call, non-stream and stream`, async () => {
        const answer = await openai.chat.completions.create({
          model,
          messages: ask.messages,
          tools: openaiTools,
        });
        assert.equal(answer.choices[0].finish_reason, "tool_calls");
        const call = answer.choices[0].message.tool_calls
          ?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
        assert.equal(call.function.name, "get_weather");
        assert.deepEqual(JSON.parse(call.function.arguments), { location: "Paris" });
        let args = "";
        let finish: string | null = null;
        const stream = await openai.chat.completions.create({
          model,
          messages: ask.messages,
          tools: openaiTools,
          stream: true,
        });
        for await (const part of stream) {
          args += part.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? "";
          finish = part.choices[0]?.finish_reason ?? finish;
        }
        assert.deepEqual(JSON.parse(args), { location: "Paris" });
        assert.equal(finish, "tool_calls");
      });
    }
    // Every request was counted, with tokens.
    const records = await gateway.recorded(gateway.records.length);
    assert.ok(records.length >= 11 * 4);
    assert.ok(
      records.every((r) => r.status === 200 && (r.usage?.completion ?? 0) > 0),
      JSON.stringify(records.find((r) => r.status !== 200 || !r.usage)),
    );
  } finally {
    await gateway.close();
    await Promise.all([oai.close(), gem.close(), ant.close()]);
  }
});
