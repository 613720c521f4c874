/**
 * The gemini plugin end to end: the official OpenAI SDK talks to a real gateway, which talks to a
 * local server speaking Gemini's protocol (paths, `x-goog-api-key`, bodies and SSE framing as in
 * `test/fixtures/gemini/`).
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startGateway, startUpstream, type TestGateway, type Upstream } from "./_harness.ts";

const FIXTURES = new URL("./fixtures/gemini/", import.meta.url);

async function fixture(name: string): Promise<Record<string, unknown>> {
  const { _source, ...body } = JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));
  return body;
}

function sse(text: string): Response {
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

const sseFixture = (name: string) => Deno.readTextFile(new URL(name, FIXTURES));

type Handler = (request: Request, body: string) => Response | Promise<Response>;

/** Runs `fn` against a gateway with one gemini channel served by `handler`. */
async function withGemini(
  handler: Handler,
  fn: (ctx: { client: OpenAI; upstream: Upstream; gateway: TestGateway }) => Promise<void>,
) {
  const upstream = startUpstream(handler);
  const gateway = await startGateway(`
channels:
  - name: gem
    plugin: gemini
    base_url: "${upstream.url}/v1beta"
    keys: [g-key]
    models: [gemini-test, text-embedding-004]
    retry: 0
    options:
      safety_settings: [{ category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_ONLY_HIGH }]
`);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused", maxRetries: 0 });
  try {
    await fn({ client, upstream, gateway });
  } finally {
    await gateway.close();
    await upstream.close();
  }
}

const received = (upstream: Upstream, i = 0) => JSON.parse(upstream.received[i].body);

Deno.test("gemini: non-stream chat is converted both ways and usage recorded", async () => {
  const answer = await fixture("generate_content_stop.json");
  await withGemini(() => Response.json(answer), async ({ client, upstream, gateway }) => {
    const completion = await client.chat.completions.create({
      model: "gemini-test",
      messages: [
        { role: "system", content: "You name stories." },
        { role: "user", content: "Title?" },
      ],
      max_tokens: 50,
      temperature: 0.3,
    });
    assert.match(completion.choices[0].message.content ?? "", /Beacon Rock/);
    assert.equal(completion.choices[0].finish_reason, "stop");
    assert.equal(completion.usage?.prompt_tokens, 151);

    const [call] = upstream.received;
    assert.equal(call.path, "/v1beta/models/gemini-test:generateContent");
    assert.equal(call.headers.get("x-goog-api-key"), "g-key");
    assert.equal(call.headers.get("authorization"), null);
    assert.deepEqual(JSON.parse(call.body), {
      contents: [{ role: "user", parts: [{ text: "Title?" }] }],
      systemInstruction: { parts: [{ text: "You name stories." }] },
      generationConfig: { temperature: 0.3, maxOutputTokens: 50 },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }],
    });
    const [record] = await gateway.recorded(1);
    assert.equal(record.status, 200);
    assert.equal(record.channel, "gem");
    assert.deepEqual(record.usage, { prompt: 151, completion: 76 });
  });
});

Deno.test("gemini: streamed text arrives as OpenAI chunks with usage", async () => {
  const stream = await sseFixture("stream_text.sse");
  await withGemini(() => sse(stream), async ({ client, upstream, gateway }) => {
    const chunks = await client.chat.completions.create({
      model: "gemini-test",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of chunks) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, "The sky is blue because of Rayleigh scattering.");
    assert.equal(finish, "stop");
    assert.equal(usage?.completion_tokens, 33);
    assert.equal(
      upstream.received[0].path,
      "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
    );
    assert.equal(received(upstream).contents[0].parts[0].text, "Why is the sky blue?");
    const [record] = await gateway.recorded(1);
    assert.equal(record.status, 200);
    assert.deepEqual(record.usage, { prompt: 7, completion: 33, reasoning: 22 });
  });
});

Deno.test("gemini: tool calls round-trip over several turns, streamed and not", async () => {
  const callAnswer = await fixture("generate_content_function_call.json");
  const streamCall = await sseFixture("stream_function_call.sse");
  const final = await fixture("generate_content_stop.json");
  let turn = 0;
  const handler: Handler = () => {
    turn++;
    if (turn === 1) return Response.json(callAnswer);
    if (turn === 2) return sse(streamCall);
    return Response.json(final);
  };
  await withGemini(handler, async ({ client, upstream, gateway }) => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "print",
          parameters: {
            type: "object",
            properties: { text: { type: "string" }, color: { type: "string" } },
            required: ["text"],
            additionalProperties: false,
          },
        },
      },
      {
        type: "function",
        function: { name: "beep", parameters: { type: "object", properties: {} } },
      },
      {
        type: "function",
        function: {
          name: "get_weather",
          parameters: { type: "object", properties: { location: { type: "string" } } },
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "user", content: "Print hello in red, then beep." },
    ];
    const first = await client.chat.completions.create({ model: "gemini-test", messages, tools });
    const message = first.choices[0].message;
    assert.equal(first.choices[0].finish_reason, "tool_calls");
    assert.equal(message.tool_calls?.length, 2);
    const [print, beep] = message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    assert.equal(print.function.name, "print");
    assert.deepEqual(JSON.parse(print.function.arguments), { text: "Hello World", color: "red" });
    assert.equal(beep.function.name, "beep");
    assert.deepEqual(received(upstream).tools[0].functionDeclarations[0].parameters, {
      type: "OBJECT",
      properties: { text: { type: "STRING" }, color: { type: "STRING" } },
      required: ["text"],
    });
    assert.deepEqual(received(upstream).tools[0].functionDeclarations[1], { name: "beep" });

    // Turn 2: results go back (rebuilt from id/name/arguments only, as many clients do), streamed.
    messages.push(
      {
        role: "assistant",
        content: null,
        tool_calls: [print, beep].map(({ id, type, function: f }) => ({ id, type, function: f })),
      },
      { role: "tool", tool_call_id: print.id, content: "printed" },
      { role: "tool", tool_call_id: beep.id, content: '{"beeped":true}' },
      { role: "user", content: "And the weather in Paris?" },
    );
    const stream = await client.chat.completions.create({
      model: "gemini-test",
      messages,
      tools,
      stream: true,
    });
    const calls: { id?: string; name?: string; arguments?: string }[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        calls[call.index] = { id: call.id, ...call.function };
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, "tool_calls");
    assert.equal(calls.length, 1);
    assert.equal(calls[0].name, "get_weather");
    assert.equal(calls[0].arguments, '{"location":"Paris"}');

    const second = received(upstream, 1);
    assert.equal(
      upstream.received[1].path,
      "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
    );
    assert.deepEqual(second.contents.slice(1), [
      {
        role: "model",
        parts: [
          {
            functionCall: { name: "print", args: { text: "Hello World", color: "red" } },
            // The signature survived the client dropping everything but id, name and arguments.
            thoughtSignature: "CiQB0e2Kb3-qJ7u9a_Zk1x0sQm4",
          },
          { functionCall: { name: "beep", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "print", response: { result: "printed" } } },
          { functionResponse: { name: "beep", response: { beeped: true } } },
          { text: "And the weather in Paris?" },
        ],
      },
    ]);

    // Turn 3: the streamed call's result goes back.
    messages.push(
      {
        role: "assistant",
        tool_calls: [{
          id: calls[0].id!,
          type: "function",
          function: { name: calls[0].name!, arguments: calls[0].arguments! },
        }],
      },
      { role: "tool", tool_call_id: calls[0].id!, content: "18°C" },
    );
    const last = await client.chat.completions.create({ model: "gemini-test", messages, tools });
    assert.equal(last.choices[0].finish_reason, "stop");
    const third = received(upstream, 2);
    assert.deepEqual(third.contents.at(-1), {
      role: "user",
      parts: [{ functionResponse: { name: "get_weather", response: { result: "18°C" } } }],
    });
    assert.equal(third.contents.at(-2).parts[0].thoughtSignature, "EpsCCpgCAdHtim9_2vG-Qn7Uw");

    const records = await gateway.recorded(3);
    assert.deepEqual(records.map((r) => r.usage?.completion), [70, 79, 76]);
  });
});

Deno.test("gemini: embeddings go to batchEmbedContents and come back decoded", async () => {
  const answer = await fixture("batch_embed_contents.json");
  await withGemini(() => Response.json(answer), async ({ client, upstream, gateway }) => {
    const result = await client.embeddings.create({
      model: "text-embedding-004",
      input: ["hello world", "bye"],
      dimensions: 4,
    });
    assert.equal(result.data.length, 2);
    assert.ok(Math.abs(result.data[0].embedding[0] - 0.013168523) < 1e-7);
    assert.equal(result.data[1].embedding.length, 4);
    assert.equal(upstream.received[0].path, "/v1beta/models/text-embedding-004:batchEmbedContents");
    assert.equal(upstream.received[0].headers.get("x-goog-api-key"), "g-key");
    assert.deepEqual(received(upstream).requests[1], {
      model: "models/text-embedding-004",
      content: { parts: [{ text: "bye" }] },
      outputDimensionality: 4,
    });
    assert.equal(result.usage.prompt_tokens, 4);
    const [record] = await gateway.recorded(1);
    assert.deepEqual(record.usage, { prompt: 4, completion: 0 });
  });
});

Deno.test("gemini: a blocked prompt is a clear content_filter error", async () => {
  const blocked = await fixture("generate_content_prompt_blocked.json");
  await withGemini(
    (request) =>
      request.url.includes("alt=sse")
        ? sse(`data: ${JSON.stringify(blocked)}\r\n\r\n`)
        : Response.json(blocked),
    async ({ client, gateway }) => {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "bad" }];
      await assert.rejects(
        client.chat.completions.create({ model: "gemini-test", messages, stream: true }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.APIError);
          assert.equal(error.status, 400);
          assert.match(error.message, /blocked the prompt \(blockReason SAFETY\)/);
          return true;
        },
      );
      await assert.rejects(
        client.chat.completions.create({ model: "gemini-test", messages }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.APIError);
          assert.equal(error.status, 400);
          assert.match(error.message, /blocked the prompt \(blockReason SAFETY\)/);
          return true;
        },
      );
      const records = await gateway.recorded(2);
      assert.equal(records[0].status, 400);
    },
  );
});

Deno.test("gemini: a safety stop mid-stream ends the stream with finish_reason content_filter", async () => {
  const stream = await sseFixture("stream_safety.sse");
  await withGemini(() => sse(stream), async ({ client }) => {
    const chunks = await client.chat.completions.create({
      model: "gemini-test",
      messages: [{ role: "user", content: "how to" }],
      stream: true,
    });
    let text = "";
    const finishes: (string | null)[] = [];
    for await (const chunk of chunks) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    assert.equal(text, "Here is how to");
    assert.deepEqual(finishes, ["content_filter"]);
  });
});

Deno.test("gemini: 429 RESOURCE_EXHAUSTED reaches the client with its retry delay", async () => {
  const error = await fixture("error_resource_exhausted.json");
  await withGemini(() => Response.json(error, { status: 429 }), async ({ client, gateway }) => {
    await assert.rejects(
      client.chat.completions.create({
        model: "gemini-test",
        messages: [{ role: "user", content: "hi" }],
      }),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        // Every candidate was rate limited, so the client sees 429 with RetryInfo's delay.
        assert.equal(e.status, 429);
        assert.match(e.message, /You exceeded your current quota/);
        assert.equal(e.headers?.get("retry-after"), "37");
        return true;
      },
    );
    const [record] = await gateway.recorded(1);
    assert.equal(record.status, 429);
  });
});

Deno.test("gemini: an invalid key (400 API_KEY_INVALID) is reported as 401", async () => {
  const error = await fixture("error_api_key_invalid.json");
  await withGemini(() => Response.json(error, { status: 400 }), async ({ client }) => {
    await assert.rejects(
      client.chat.completions.create({
        model: "gemini-test",
        messages: [{ role: "user", content: "hi" }],
      }),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        // 401 moves on to the next channel; with none left the gateway answers 502.
        assert.equal(e.status, 502);
        assert.match(e.message, /gem → 401 API key not valid/);
        return true;
      },
    );
  });
});

Deno.test("gemini: truncated or invalid streams end with an error, never hang", async () => {
  const [, first] = (await sseFixture("stream_text.sse")).split("\r\n\r\n");
  const bodies = [
    // Cut off mid-event, without a finish reason.
    `${first}\r\n\r\ndata: {"candidates": [{"content": {"parts": [{"te`,
    // A chunk that is not JSON after a good one.
    `${first}\r\n\r\ndata: {not json}\r\n\r\n`,
  ];
  let n = 0;
  await withGemini(() => sse(bodies[n++]), async ({ client, gateway }) => {
    for (const pattern of [/truncated/, /not JSON/]) {
      const chunks = await client.chat.completions.create({
        model: "gemini-test",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      });
      let text = "";
      await assert.rejects(
        (async () => {
          for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? "";
        })(),
        pattern,
      );
      assert.equal(text, "The sky is blue");
    }
    const records = await gateway.recorded(2);
    assert.match(records[0].error ?? "", /truncated/);
    assert.match(records[1].error ?? "", /not JSON/);
  });
});

Deno.test("gemini: listModels pages through GET /models", async () => {
  const pages = [await fixture("models_page1.json"), await fixture("models_page2.json")];
  const upstream = startUpstream((request) => {
    const token = new URL(request.url).searchParams.get("pageToken");
    return Response.json(token ? pages[1] : pages[0]);
  });
  const gateway = await startGateway(`
channels:
  - { name: gem, plugin: gemini, base_url: "${upstream.url}/v1beta", keys: [g-key] }
`);
  try {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "unused" });
    const ids = (await client.models.list()).data.map((m) => m.id);
    assert.ok(ids.includes("gemini-2.5-flash"));
    assert.ok(ids.includes("gem/text-embedding-004"));
    assert.equal(upstream.received[0].headers.get("x-goog-api-key"), "g-key");
    assert.equal(upstream.received.length, 2);
  } finally {
    await gateway.close();
    await upstream.close();
  }
});
