/**
 * End to end through a real gateway: the OpenAI SDK against an Anthropic upstream (converted),
 * the Anthropic SDK against an OpenAI upstream (converted) and against an Anthropic upstream
 * (passed through), streaming and not, with tool calls, failover on overload, and broken
 * upstream streams that must end in a clear error, never a hang.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { fixtureText } from "./fixtures/anthropic/_load.ts";
import { startGateway, startUpstream, type TestGateway, type Upstream } from "./_harness.ts";

const KEY = "sk-gateway-test";

const sse = (text: string, status = 200) =>
  new Response(text, { status, headers: { "content-type": "text/event-stream" } });
const json = (name: string, status = 200) =>
  new Response(fixtureText(name), { status, headers: { "content-type": "application/json" } });
/** The fixture's events, cut to the first `n`. */
const firstEvents = (name: string, n: number) =>
  fixtureText(name).split("\n\n").slice(0, n).join("\n\n") + "\n\n";

/** Speaks Anthropic's protocol; the model name picks the behaviour. */
function anthropicUpstream(): Upstream {
  return startUpstream((request, text) => {
    if (request.method === "GET") return json("models_list.json");
    const body = JSON.parse(text) as { model: string; stream?: boolean };
    const stream = body.stream === true;
    switch (body.model) {
      case "claude-text":
        return stream ? sse(fixtureText("stream_text.txt")) : json("message_text.json");
      case "claude-tools":
        return stream ? sse(fixtureText("stream_tool_use.txt")) : json("message_tool_use.json");
      case "claude-overloaded":
        return stream
          ? sse(
            `event: error\ndata: ${fixtureText("error_overloaded.json").replace(/\s+/g, " ")}\n\n`,
          )
          : json("error_overloaded.json", 529);
      case "claude-invalid":
        return json("error_invalid_request.json", 400);
      case "claude-truncated":
        return sse(firstEvents("stream_text.txt", 5));
      case "claude-unknown":
        return sse(
          firstEvents("stream_text.txt", 2) +
            'event: brand_new_event\ndata: {"type":"brand_new_event","x":1}\n\n' +
            fixtureText("stream_text.txt").split("\n\n").slice(2).join("\n\n"),
        );
      case "claude-badjson":
        return sse(
          firstEvents("stream_text.txt", 4) +
            'event: content_block_delta\ndata: {"type":"content_block_delta","ind\n\n' +
            fixtureText("stream_text.txt").split("\n\n").slice(4).join("\n\n"),
        );
      default:
        return new Response("unexpected model", { status: 500 });
    }
  });
}

/** Speaks OpenAI's protocol. */
function openAIUpstream(): Upstream {
  return startUpstream((_request, text) => {
    const body = JSON.parse(text) as { model: string; stream?: boolean };
    const events = fixtureText("openai_stream_tool_calls.txt").split("\n\n");
    switch (body.model) {
      case "gpt-tools":
        return body.stream
          ? sse(fixtureText("openai_stream_tool_calls.txt"))
          : json("openai_completion_tool_calls.json");
      case "gpt-truncated":
        return sse(events.slice(0, 2).join("\n\n") + "\n\n");
      case "gpt-badjson":
        return sse(
          events.slice(0, 2).join("\n\n") + "\n\ndata: {bad json\n\n" +
            events.slice(2).join("\n\n"),
        );
      default:
        return new Response("unexpected model", { status: 500 });
    }
  });
}

interface World {
  gateway: TestGateway;
  claude: Upstream;
  gpt: Upstream;
  anthropic: Anthropic;
  openai: OpenAI;
}

async function withWorld(run: (w: World) => Promise<void>) {
  const claude = anthropicUpstream();
  const gpt = openAIUpstream();
  const gateway = await startGateway(`
keys:
  - { name: tester, key: ${KEY} }
channels:
  - name: claude
    plugin: anthropic
    base_url: "${claude.url}/v1"
    keys: [sk-ant-real]
    models: [claude-text, claude-tools, claude-invalid, claude-truncated, claude-unknown, claude-badjson]
  - name: claude-busy
    plugin: anthropic
    base_url: "${claude.url}/v1"
    keys: [sk-ant-busy]
    models: [claude-overloaded]
    priority: 1
    retry: 0
  - name: claude-spare
    plugin: anthropic
    base_url: "${claude.url}/v1"
    keys: [sk-ant-spare]
    models: [claude-overloaded]
    model_map: { claude-overloaded: claude-text }
    priority: 2
  - name: gpt
    plugin: openai
    base_url: "${gpt.url}/v1"
    keys: [sk-oai-real]
    models: [gpt-tools, gpt-truncated, gpt-badjson]
`);
  const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
  const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
  try {
    await run({ gateway, claude, gpt, anthropic, openai });
  } finally {
    await gateway.close();
    await claude.close();
    await gpt.close();
  }
}

const TOOLS: Anthropic.Tool[] = [{
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object", properties: { location: { type: "string" } } },
}];

Deno.test("anthropic plugin: OpenAI SDK gets a converted completion from an Anthropic upstream", () =>
  withWorld(async ({ openai, claude, gateway }) => {
    const answer = await openai.chat.completions.create({
      model: "claude-text",
      messages: [{ role: "system", content: "Be kind." }, {
        role: "user",
        content: "Who are you?",
      }],
    });
    assert.equal(answer.choices[0].message.content, "Hi! My name is Claude.");
    assert.equal(answer.choices[0].finish_reason, "stop");
    assert.equal(answer.usage?.prompt_tokens, 3195);
    const sent = claude.received[0];
    assert.equal(sent.path, "/v1/messages");
    assert.equal(sent.headers.get("x-api-key"), "sk-ant-real");
    assert.equal(sent.headers.get("anthropic-version"), "2023-06-01");
    assert.equal(sent.headers.get("authorization"), null);
    assert.deepEqual(JSON.parse(sent.body), {
      model: "claude-text",
      max_tokens: 4096,
      messages: [{ role: "user", content: "Who are you?" }],
      system: "Be kind.",
    });
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 3195, completion: 503, cached: 1000 });
    assert.equal(record.channel, "claude");
  }));

Deno.test("anthropic plugin: OpenAI SDK streams tool calls converted from Anthropic events", () =>
  withWorld(async ({ openai, gateway }) => {
    const stream = await openai.chat.completions.create({
      model: "claude-tools",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{
        type: "function",
        function: { name: "get_weather", parameters: { type: "object" } },
      }],
      stream: true,
    });
    let text = "";
    let args = "";
    let name = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      text += choice.delta.content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        name ||= call.function?.name ?? "";
        args += call.function?.arguments ?? "";
      }
      finish = choice.finish_reason ?? finish;
    }
    assert.equal(text, "I'll check the current weather in Paris for you.");
    assert.equal(name, "get_weather");
    assert.deepEqual(JSON.parse(args), { location: "Paris" });
    assert.equal(finish, "tool_calls");
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 377, completion: 65 });
  }));

Deno.test("anthropic plugin: overloaded_error (529) fails over, as a status and as a first stream event", () =>
  withWorld(async ({ openai, gateway }) => {
    const answer = await openai.chat.completions.create({
      model: "claude-overloaded",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(answer.choices[0].message.content, "Hi! My name is Claude.");
    const stream = await openai.chat.completions.create({
      model: "claude-overloaded",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    assert.equal(text, "Hello there!");
    const records = await gateway.recorded(2);
    assert.deepEqual(records.map((r) => [r.channel, r.attempts]), [["claude-spare", 2], [
      "claude-spare",
      2,
    ]]);
  }));

Deno.test("anthropic plugin: a broken Anthropic stream gives the OpenAI client an error, not a hang", () =>
  withWorld(async ({ openai }) => {
    for (const model of ["claude-truncated", "claude-badjson"]) {
      const stream = await openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      });
      await assert.rejects(
        async () => {
          for await (const _ of stream) { /* consume */ }
        },
        (error: Error) => /truncated|not JSON/.test(error.message),
        model,
      );
    }
    const stream = await openai.chat.completions.create({
      model: "claude-unknown",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    assert.equal(text, "Hello there!", "unknown event types are skipped");
  }));

Deno.test("/v1/messages: Anthropic SDK passes straight through to an Anthropic upstream", () =>
  withWorld(async ({ anthropic, claude, gateway }) => {
    const params = {
      model: "claude-tools",
      max_tokens: 300,
      system: [{
        type: "text" as const,
        text: "Be brief.",
        cache_control: { type: "ephemeral" as const },
      }],
      messages: [{ role: "user" as const, content: "Weather in Paris?" }],
      tools: TOOLS,
      metadata: { user_id: "u-7" },
    };
    const message = await anthropic.messages.create(params);
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(message.content[1], {
      type: "tool_use",
      id: "toolu_01NRLabsLyVHZPKxbKvkfSMn",
      name: "get_weather",
      input: { location: "Paris" },
    });
    assert.deepEqual(
      JSON.parse(claude.received[0].body),
      params,
      "the exact body reaches Anthropic",
    );
    assert.equal(claude.received[0].headers.get("x-api-key"), "sk-ant-real");

    const stream = anthropic.messages.stream({ ...params, model: "claude-tools" });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content[1], message.content[1]);
    assert.deepEqual(JSON.parse(claude.received[1].body), { ...params, stream: true });
    const records = await gateway.recorded(2);
    assert.deepEqual(records.map((r) => r.usage), [
      { prompt: 377, completion: 65 },
      { prompt: 377, completion: 65 },
    ]);
  }));

Deno.test("/v1/messages: Anthropic SDK is served by an OpenAI upstream, converted both ways", () =>
  withWorld(async ({ anthropic, gpt, gateway }) => {
    const message = await anthropic.messages.create({
      model: "gpt-tools",
      max_tokens: 200,
      system: "Use tools.",
      messages: [{ role: "user", content: "Weather in Boston?" }],
      tools: TOOLS,
      tool_choice: { type: "any" },
    });
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(message.content, [{
      type: "tool_use",
      id: "call_abc123",
      name: "get_current_weather",
      input: { location: "Boston, MA" },
    }]);
    assert.deepEqual(message.usage, {
      input_tokens: 82,
      output_tokens: 17,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    const sent = JSON.parse(gpt.received[0].body);
    assert.equal(gpt.received[0].path, "/v1/chat/completions");
    assert.equal(gpt.received[0].headers.get("authorization"), "Bearer sk-oai-real");
    assert.deepEqual(sent.messages, [
      { role: "system", content: "Use tools." },
      { role: "user", content: "Weather in Boston?" },
    ]);
    assert.equal(sent.tool_choice, "required");
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 82, completion: 17 });
  }));

Deno.test("/v1/messages: Anthropic SDK streams from an OpenAI upstream with tool calls and usage", () =>
  withWorld(async ({ anthropic, gpt, gateway }) => {
    const stream = anthropic.messages.stream({
      model: "gpt-tools",
      max_tokens: 200,
      messages: [{ role: "user", content: "Weather and time in Paris?" }],
      tools: TOOLS,
    });
    const events: string[] = [];
    stream.on("streamEvent", (event) => events.push(event.type));
    const final = await stream.finalMessage();
    assert.equal(events[0], "message_start");
    assert.deepEqual(events.slice(-2), ["message_delta", "message_stop"]);
    assert.deepEqual(final.content, [
      { type: "text", text: "Checking" },
      { type: "tool_use", id: "call_abc123", name: "get_weather", input: { location: "Paris" } },
      { type: "tool_use", id: "call_def456", name: "get_time", input: {} },
    ]);
    assert.equal(final.stop_reason, "tool_use");
    assert.equal(final.usage.input_tokens, 18);
    assert.equal(final.usage.cache_read_input_tokens, 64);
    assert.equal(final.usage.output_tokens, 17);
    const sent = JSON.parse(gpt.received[0].body);
    assert.deepEqual(sent.stream_options, { include_usage: true });
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 82, completion: 17, cached: 64 });
  }));

Deno.test("/v1/messages: broken upstream streams end in an Anthropic error event, never a hang", () =>
  withWorld(async ({ anthropic, gateway }) => {
    const cases: [string, RegExp][] = [
      ["gpt-truncated", /truncated/],
      ["gpt-badjson", /not JSON/],
      ["claude-truncated", /truncated/],
      ["claude-badjson", /not JSON/],
    ];
    for (const [model, message] of cases) {
      const stream = anthropic.messages.stream({
        model,
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      });
      await assert.rejects(stream.finalMessage(), (error: Error) => {
        assert.ok(error instanceof Anthropic.APIError, `${model}: ${error}`);
        assert.match(error.message, message, model);
        return true;
      });
    }
    await gateway.recorded(cases.length);
  }));

Deno.test("/v1/messages: errors are Anthropic-shaped with the right status", () =>
  withWorld(async ({ anthropic, gateway }) => {
    const bad = new Anthropic({ baseURL: gateway.url, apiKey: "wrong", maxRetries: 0 });
    await assert.rejects(
      bad.messages.create({
        model: "claude-text",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
      }),
      (e: unknown) => e instanceof Anthropic.AuthenticationError && e.status === 401,
    );
    await assert.rejects(
      anthropic.messages.create({
        model: "nope",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
      }),
      (e: unknown) => e instanceof Anthropic.NotFoundError,
    );
    // Anthropic's own 400 reaches the client unchanged.
    await assert.rejects(
      anthropic.messages.create({
        model: "claude-invalid",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
      }),
      (e: unknown) =>
        e instanceof Anthropic.BadRequestError && /max_tokens: Field required/.test(e.message),
    );
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-text", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /max_tokens/);
    // A server tool cannot run on an OpenAI channel: a 400 that says so.
    await assert.rejects(
      anthropic.messages.create({
        model: "gpt-tools",
        max_tokens: 5,
        messages: [{ role: "user", content: "x" }],
        tools: [{ type: "web_search_20250305", name: "web_search" }],
      }),
      (e: unknown) => e instanceof Anthropic.BadRequestError && /server tool/.test(e.message),
    );
  }));

Deno.test("/v1/messages/count_tokens answers with an estimate", () =>
  withWorld(async ({ anthropic }) => {
    const count = await anthropic.messages.countTokens({
      model: "gpt-tools",
      system: "You are terse.",
      messages: [{ role: "user", content: "How many tokens is this sentence?" }],
    });
    assert.ok(count.input_tokens > 5 && count.input_tokens < 40, String(count.input_tokens));
  }));

Deno.test("anthropic plugin: listModels() reads Anthropic's model list", async () => {
  const claude = anthropicUpstream();
  const gateway = await startGateway(`
channels:
  - { name: claude, plugin: anthropic, base_url: "${claude.url}/v1", keys: [sk-ant] }
`);
  try {
    const res = await fetch(`${gateway.url}/v1/models`);
    const ids = (await res.json()).data.map((m: { id: string }) => m.id);
    assert.ok(ids.includes("claude-sonnet-4-5-20250929"));
    assert.ok(ids.includes("claude/claude-opus-4-1-20250805"));
    const sent = claude.received[0];
    assert.equal(sent.path, "/v1/models?limit=1000");
    assert.equal(sent.headers.get("x-api-key"), "sk-ant");
    assert.equal(sent.headers.get("anthropic-version"), "2023-06-01");
  } finally {
    await gateway.close();
    await claude.close();
  }
});

Deno.test("/v1/messages: the body reaches Anthropic byte for byte, with the client's anthropic-beta", () =>
  withWorld(async ({ gateway, claude }) => {
    // Keys in an order zod would not produce, and a field the gateway has never heard of.
    const body =
      '{"messages":[{"content":"Hi","role":"user"}],"zz_future_field":{"b":1,"a":2},"model":"claude-text","max_tokens":64}';
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": KEY,
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "interleaved-thinking-2025-05-14",
        "content-type": "application/json",
      },
      body,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(claude.received[0].body, body);
    assert.equal(
      claude.received[0].headers.get("anthropic-beta"),
      "interleaved-thinking-2025-05-14",
    );
    assert.equal(
      claude.received[0].headers.get("x-api-key"),
      "sk-ant-real",
      "never the client's key",
    );
  }));

Deno.test("/v1/messages: a request only a native channel can take skips channels that cannot convert it", async () => {
  const claude = anthropicUpstream();
  const gpt = openAIUpstream();
  const gateway = await startGateway(`
channels:
  - { name: gpt, plugin: openai, base_url: "${gpt.url}/v1", keys: [k], models: [claude-text], priority: 1 }
  - { name: claude, plugin: anthropic, base_url: "${claude.url}/v1", keys: [k], models: [claude-text], priority: 2 }
`);
  try {
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({
        model: "claude-text",
        max_tokens: 64,
        messages: [{ role: "user", content: "Search the web" }],
        tools: [{ type: "web_search_20250305", name: "web_search" }],
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-sluice-channel"), "claude");
    await res.body?.cancel();
    assert.equal(gpt.received.length, 0);
  } finally {
    await gateway.close();
    await claude.close();
    await gpt.close();
  }
});
