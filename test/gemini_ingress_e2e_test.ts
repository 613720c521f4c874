/**
 * Gemini's API as a client API, end to end: the official `@google/genai` SDK, pointed at the
 * gateway with its defaults, reaches a Gemini channel natively (the upstream gets the SDK's own
 * bytes) and OpenAI, Anthropic and OpenAI-compatible channels converted, streaming and not, text,
 * a function call with its second turn, an image, token counts and embeddings. Errors are
 * Google-shaped. Upstreams are local servers speaking each protocol from the recorded fixtures.
 */
import assert from "node:assert/strict";
import { ApiError, type Content, GoogleGenAI } from "@google/genai";
import {
  sseResponse,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from "./_harness.ts";
import { fixtureText } from "./fixtures/anthropic/_load.ts";

const GEMINI = new URL("./fixtures/gemini/", import.meta.url);
const geminiText = (name: string) => Deno.readTextFileSync(new URL(name, GEMINI));
const geminiJson = (name: string) => {
  const { _source, ...body } = JSON.parse(geminiText(name));
  return body;
};

const KEY = "sk-gateway-gemini-test";
const WEATHER = {
  name: "get_weather",
  description: "Current weather for a city",
  parametersJsonSchema: { type: "object", properties: { location: { type: "string" } } },
};

/** Gemini's protocol, by method, from the fixtures. */
function geminiProtocol(): Upstream {
  return startUpstream((request) => {
    const url = new URL(request.url);
    const method = url.pathname.slice(url.pathname.lastIndexOf(":") + 1);
    if (url.pathname.includes("/models/shared:")) {
      return Response.json({
        error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" },
      }, { status: 503 });
    }
    if (method === "streamGenerateContent") {
      return new Response(geminiText("stream_text.sse"), {
        headers: { "content-type": "text/event-stream" },
      });
    }
    const answers: Record<string, string> = {
      generateContent: "generate_content_stop.json",
      countTokens: "count_tokens.json",
      batchEmbedContents: "batch_embed_contents.json",
      embedContent: "embed_content.json",
    };
    if (answers[method]) return Response.json(geminiJson(answers[method]));
    return Response.json(geminiJson("error_not_found.json"), { status: 404 });
  });
}

/** OpenAI's protocol: text, a get_weather call when offered tools, or after a tool result text. */
function openAIProtocol(): Upstream {
  return startUpstream((request, text) => {
    if (request.url.endsWith("/embeddings")) {
      const { input } = JSON.parse(text) as { input: string[] };
      return Response.json({
        object: "list",
        data: input.map((_, i) => ({ object: "embedding", index: i, embedding: [i, 0.5] })),
        usage: { prompt_tokens: 4, total_tokens: 4 },
      });
    }
    const body = JSON.parse(text) as {
      model: string;
      stream?: boolean;
      tools?: unknown[];
      messages: { role: string }[];
    };
    const answered = body.messages.at(-1)?.role === "tool";
    const call = body.tools && !answered;
    const base = { id: "chatcmpl-e2e", created: 1_700_000_000, model: body.model };
    const toolCall = {
      id: "call_w1",
      type: "function",
      function: { name: "get_weather", arguments: '{"location":"Paris"}' },
    };
    const usage = { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 };
    const content = answered ? "It is 21°C and clear." : `Hello from ${body.model}`;
    if (!body.stream) {
      const message = call
        ? { role: "assistant", content: null, tool_calls: [toolCall] }
        : { role: "assistant", content };
      return Response.json({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message, finish_reason: call ? "tool_calls" : "stop" }],
        usage,
      });
    }
    const chunk = (delta: unknown, finish: string | null = null) => ({
      ...base,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    return sseResponse([
      chunk({ role: "assistant", content: "" }),
      ...(call ? [chunk({ tool_calls: [{ index: 0, ...toolCall }] }), chunk({}, "tool_calls")] : [
        chunk({ content: "Hello " }),
        chunk({ content: `from ${body.model}` }),
        chunk({}, "stop"),
      ]),
      { ...base, object: "chat.completion.chunk", choices: [], usage },
      "[DONE]",
    ]);
  });
}

/** Anthropic's protocol from the recorded fixtures. */
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

async function withGateway(
  fn: (ctx: {
    ai: GoogleGenAI;
    url: string;
    gem: Upstream;
    oai: Upstream;
    ant: Upstream;
    sent: string[];
    gateway: TestGateway;
  }) => Promise<void>,
) {
  const gem = geminiProtocol();
  const oai = openAIProtocol();
  const ant = anthropicProtocol();
  const gateway = await startGateway(`
keys: [{ name: tester, key: ${KEY} }]
routing:
  aliases: { fast: gpt-x }
channels:
  - { name: gem, plugin: gemini, base_url: "${gem.url}/v1beta", keys: [g-real], models: [gemini-test, text-embedding-004, shared], retry: 0 }
  - { name: oai, plugin: openai, base_url: "${oai.url}/v1", keys: [o-real], models: [gpt-x, text-embedding-3-small, shared], priority: 2 }
  - { name: ant, plugin: anthropic, base_url: "${ant.url}/v1", keys: [a-real], models: [claude-x] }
  - { name: deep, plugin: deepseek, base_url: "${oai.url}/v1", keys: [d-real], models: [deepseek-x] }
`);
  // The SDK's own request bodies, to compare with what the upstream received.
  const sent: string[] = [];
  const ai = new GoogleGenAI({
    apiKey: KEY,
    httpOptions: {
      baseUrl: gateway.url,
      fetch: async (input, init) => {
        if (typeof init?.body === "string") sent.push(init.body);
        return await fetch(input, init);
      },
    },
  });
  try {
    await fn({ ai, url: gateway.url, gem, oai, ant, sent, gateway });
  } finally {
    await gateway.close();
    await Promise.all([gem.close(), oai.close(), ant.close()]);
  }
}

const upstreamBody = (u: Upstream, i = -1) => JSON.parse(u.received.at(i)!.body);

Deno.test("gemini ingress: @google/genai reaches a Gemini channel natively with its own bytes", async () => {
  await withGateway(async ({ ai, gem, sent, gateway }) => {
    const answer = await ai.models.generateContent({
      model: "gemini-test",
      contents: "Title?",
      config: { systemInstruction: "You name stories.", temperature: 0.3 },
    });
    assert.match(answer.text ?? "", /Beacon Rock/);
    const call = gem.received[0];
    assert.equal(call.path, "/v1beta/models/gemini-test:generateContent");
    assert.equal(call.headers.get("x-goog-api-key"), "g-real");
    assert.equal(call.body, sent[0], "the SDK's bytes, unchanged");

    let streamed = "";
    for await (
      const chunk of await ai.models.generateContentStream({
        model: "gemini-test",
        contents: "Sky?",
      })
    ) {
      streamed += chunk.text ?? "";
    }
    assert.equal(streamed, "The sky is blue because of Rayleigh scattering.");
    assert.equal(gem.received[1].path, "/v1beta/models/gemini-test:streamGenerateContent?alt=sse");
    assert.equal(gem.received[1].body, sent[1]);
    const [whole, streamedRecord] = await gateway.recorded(2);
    assert.partialDeepStrictEqual(whole, {
      endpoint: "generate_content",
      channel: "gem",
      usage: { prompt: 151, completion: 76 },
    });
    assert.partialDeepStrictEqual(streamedRecord, {
      stream: true,
      usage: { prompt: 7, completion: 33 },
    }, "a native stream is counted");

    const counted = await ai.models.countTokens({ model: "gemini-test", contents: "Count me" });
    assert.equal(counted.totalTokens, 31, "Gemini's own count, passed through");
    assert.equal(gem.received[2].path, "/v1beta/models/gemini-test:countTokens");

    // Named through the channel: Gemini must see its own model name in the body as well.
    const embedded = await ai.models.embedContent({
      model: "gem/text-embedding-004",
      contents: ["a", "b"],
    });
    assert.deepEqual(embedded.embeddings?.map((e) => e.values?.length), [4, 4]);
    assert.equal(gem.received[3].path, "/v1beta/models/text-embedding-004:batchEmbedContents");
    assert.deepEqual(
      upstreamBody(gem, 3).requests.map((r: { model: string }) => r.model),
      ["models/text-embedding-004", "models/text-embedding-004"],
    );
  });
});

Deno.test("gemini ingress: non-Gemini channels are served converted, streaming and not", async () => {
  await withGateway(async ({ ai, oai, ant, gateway }) => {
    for (
      const [model, expected] of [["gpt-x", "Hello from gpt-x"], [
        "deepseek-x",
        "Hello from deepseek-x",
      ]]
    ) {
      const answer = await ai.models.generateContent({ model, contents: "Hi" });
      assert.equal(answer.text, expected);
      assert.equal(answer.candidates?.[0].finishReason, "STOP");
      assert.equal(answer.usageMetadata?.totalTokenCount, 14);
      let streamed = "";
      let usage = 0;
      for await (const chunk of await ai.models.generateContentStream({ model, contents: "Hi" })) {
        streamed += chunk.text ?? "";
        usage = chunk.usageMetadata?.totalTokenCount ?? usage;
      }
      assert.equal(streamed, expected);
      assert.equal(usage, 14);
    }
    assert.deepEqual(upstreamBody(oai, 0).messages, [{ role: "user", content: "Hi" }]);
    for (const record of await gateway.recorded(4)) {
      assert.partialDeepStrictEqual(record, { status: 200, usage: { prompt: 9, completion: 5 } });
    }

    const claude = await ai.models.generateContent({ model: "claude-x", contents: "Hi" });
    assert.ok((claude.text ?? "").length > 0);
    assert.equal(upstreamBody(ant).messages[0].content, "Hi");
    let streamed = "";
    for await (
      const chunk of await ai.models.generateContentStream({ model: "claude-x", contents: "Hi" })
    ) {
      streamed += chunk.text ?? "";
    }
    assert.equal(streamed, "Hello there!");
  });
});

Deno.test("gemini ingress: a function call and its second turn, converted both ways", async () => {
  await withGateway(async ({ ai, oai, ant }) => {
    for (const [model, upstream] of [["gpt-x", oai], ["claude-x", ant]] as const) {
      const config = { tools: [{ functionDeclarations: [WEATHER] }] };
      const first = await ai.models.generateContent({
        model,
        contents: "Weather in Paris?",
        config,
      });
      const [call] = first.functionCalls ?? [];
      assert.equal(call?.name, "get_weather");
      assert.ok(call.args && typeof call.args.location === "string");
      assert.equal(
        upstreamBody(upstream).tools[0].function?.name ?? upstreamBody(upstream).tools[0].name,
        "get_weather",
      );

      const history: Content[] = [
        { role: "user", parts: [{ text: "Weather in Paris?" }] },
        first.candidates![0].content!,
        {
          role: "user",
          parts: [{
            functionResponse: { id: call.id, name: call.name!, response: { temp_c: 21 } },
          }],
        },
      ];
      const second = await ai.models.generateContent({ model, contents: history, config });
      assert.ok(second.candidates?.[0].content?.parts?.length, "the second turn is answered");
      if (model === "gpt-x") {
        assert.equal(second.text, "It is 21°C and clear.");
        const messages = upstreamBody(oai).messages;
        assert.equal(messages[1].tool_calls[0].id, "call_w1");
        assert.deepEqual(messages[2], {
          role: "tool",
          tool_call_id: "call_w1",
          content: '{"temp_c":21}',
        });
      } else {
        const [, assistant, result] = upstreamBody(ant).messages;
        const use = assistant.content.find((b: { type: string }) => b.type === "tool_use");
        assert.equal(result.content[0].tool_use_id, use.id, "the result answers the call it names");
      }
    }
    // Streamed, the call arrives whole in the event that finishes the turn.
    const events = [];
    for await (
      const chunk of await ai.models.generateContentStream({
        model: "gpt-x",
        contents: "Weather in Paris?",
        config: { tools: [{ functionDeclarations: [WEATHER] }] },
      })
    ) events.push(chunk);
    const last = events.at(-1)!;
    assert.equal(last.candidates?.[0].finishReason, "STOP");
    assert.deepEqual(last.functionCalls?.[0].args, { location: "Paris" });
  });
});

Deno.test("gemini ingress: an image reaches a chat channel as an image_url part", async () => {
  await withGateway(async ({ ai, oai }) => {
    const png = geminiJson("request_image.json").contents[0].parts[0].inline_data.data;
    await ai.models.generateContent({
      model: "gpt-x",
      contents: [{
        role: "user",
        parts: [{ inlineData: { mimeType: "image/png", data: png } }, { text: "Caption?" }],
      }],
    });
    assert.deepEqual(upstreamBody(oai).messages[0].content, [
      { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
      { type: "text", text: "Caption?" },
    ]);
  });
});

Deno.test("gemini ingress: countTokens is estimated and embeddings converted off Gemini", async () => {
  await withGateway(async ({ ai, url, oai }) => {
    const counted = await ai.models.countTokens({ model: "gpt-x", contents: "x".repeat(40) });
    assert.equal(counted.totalTokens, 10);
    const raw = await fetch(`${url}/v1beta/models/gpt-x:countTokens`, {
      method: "POST",
      headers: { "x-goog-api-key": KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: "Hi" }] }] }),
    });
    assert.equal(raw.headers.get("x-sluice-token-count"), "estimated");
    assert.deepEqual(await raw.json(), { totalTokens: 1 });

    const embedded = await ai.models.embedContent({
      model: "text-embedding-3-small",
      contents: ["a", "b"],
      config: { outputDimensionality: 2 },
    });
    assert.deepEqual(embedded.embeddings?.map((e) => e.values), [[0, 0.5], [1, 0.5]]);
    assert.deepEqual(upstreamBody(oai), {
      model: "text-embedding-3-small",
      input: ["a", "b"],
      encoding_format: "float",
      dimensions: 2,
    });
    const single = await fetch(
      `${url}/v1beta/models/text-embedding-3-small:embedContent?key=${KEY}`,
      {
        method: "POST",
        body: JSON.stringify({ content: { parts: [{ text: "one" }] } }),
      },
    );
    assert.deepEqual(await single.json(), { embedding: { values: [0, 0.5] } });
  });
});

/** The status and Google error body of a failed SDK call. */
async function apiError(call: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${error}`);
    return { status: error.status, body: JSON.parse(error.message) };
  }
  throw new Error("The call succeeded");
}

Deno.test("gemini ingress: errors are Google-shaped, with the right status names", async () => {
  await withGateway(async ({ ai, url }) => {
    const bad = new GoogleGenAI({ apiKey: "sk-wrong", httpOptions: { baseUrl: url } });
    const unauthenticated = await apiError(
      bad.models.generateContent({ model: "gpt-x", contents: "x" }),
    );
    assert.equal(unauthenticated.status, 401);
    assert.partialDeepStrictEqual(unauthenticated.body, {
      error: { code: 401, status: "UNAUTHENTICATED" },
    });
    assert.doesNotMatch(JSON.stringify(unauthenticated.body), /sk-wrong/);

    const missing = await apiError(ai.models.generateContent({ model: "gpt-y", contents: "x" }));
    assert.equal(missing.status, 404);
    assert.partialDeepStrictEqual(missing.body, { error: { code: 404, status: "NOT_FOUND" } });
    assert.match(JSON.stringify(missing.body), /Did you mean \\"gpt-x\\"/);

    const invalid = await fetch(`${url}/v1beta/models/gpt-x:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": KEY },
      body: JSON.stringify({ contents: [{ parts: [{ text: 5 }] }] }),
    });
    assert.equal(invalid.status, 400);
    const body = await invalid.json();
    assert.equal(body.error.status, "INVALID_ARGUMENT");
    assert.match(body.error.message, /contents\[0\]\.parts\[0\]\.text/);

    const onlyGemini = await apiError(ai.models.generateContent({
      model: "gpt-x",
      contents: "x",
      config: { tools: [{ googleSearch: {} }] },
    }));
    assert.equal(onlyGemini.status, 400);
    assert.match(JSON.stringify(onlyGemini.body), /tools\[0\]\.googleSearch/);

    const wrongMethod = await fetch(`${url}/v1beta/models/gpt-x:generateContent`, {
      headers: { "x-goog-api-key": KEY },
    });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    assert.equal((await wrongMethod.json()).error.code, 405);
    const unknownMethod = await fetch(`${url}/v1beta/models/gpt-x:predict`, {
      method: "POST",
      headers: { "x-goog-api-key": KEY },
      body: "{}",
    });
    assert.equal(unknownMethod.status, 404);
    assert.equal((await unknownMethod.json()).error.status, "NOT_FOUND");
  });
});

Deno.test("gemini ingress: routed like any request: channel%2Fmodel, aliases and failover", async () => {
  await withGateway(async ({ ai, url, gem, oai }) => {
    const ask = (model: string) =>
      fetch(`${url}/v1beta/models/${model}:generateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": KEY },
        body: JSON.stringify({ contents: [{ parts: [{ text: "Hi" }] }] }),
      });
    const encoded = await ask("oai%2Fgpt-x");
    assert.equal(encoded.headers.get("x-sluice-channel"), "oai");
    assert.equal((await encoded.json()).candidates[0].content.parts[0].text, "Hello from gpt-x");
    assert.equal(
      (await ai.models.generateContent({ model: "fast", contents: "Hi" })).text,
      "Hello from gpt-x",
    );

    // "shared" is Gemini's first: while Gemini is overloaded, the OpenAI channel serves it.
    const failedOver = await ai.models.generateContent({ model: "shared", contents: "Hi" });
    assert.equal(failedOver.text, "Hello from shared");
    assert.equal(gem.received.at(-1)?.path, "/v1beta/models/shared:generateContent");
    assert.equal(upstreamBody(oai).model, "shared");
  });
});

Deno.test("gemini ingress: without alt=sse a stream is one JSON array, as Google's REST sends it", async () => {
  await withGateway(async ({ url }) => {
    for (const model of ["gemini-test", "gpt-x"]) {
      const response = await fetch(`${url}/v1beta/models/${model}:streamGenerateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": KEY },
        body: JSON.stringify({ contents: [{ parts: [{ text: "Hi" }] }] }),
      });
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      const events = await response.json() as {
        candidates?: { content?: { parts?: { text?: string }[] } }[];
      }[];
      assert.ok(Array.isArray(events) && events.length >= 2);
      const text = events.map((e) => e.candidates?.[0]?.content?.parts?.[0]?.text ?? "").join("");
      assert.ok(text.length > 0);
    }
  });
});

Deno.test("gemini ingress: ?key= authenticates Gemini paths only and never travels on", async () => {
  await withGateway(async ({ url, gem }) => {
    const body = JSON.stringify({ contents: [{ parts: [{ text: "Hi" }] }] });
    const ok = await fetch(`${url}/v1beta/models/gemini-test:generateContent?key=${KEY}`, {
      method: "POST",
      body,
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const [call] = gem.received;
    assert.equal(call.path, "/v1beta/models/gemini-test:generateContent", "no query goes upstream");
    assert.equal(call.headers.get("x-goog-api-key"), "g-real");
    assert.ok(![...call.headers.values()].some((v) => v.includes(KEY)));

    const elsewhere = await fetch(`${url}/v1/chat/completions?key=${KEY}`, {
      method: "POST",
      body: JSON.stringify({ model: "gpt-x", messages: [{ role: "user", content: "Hi" }] }),
    });
    assert.equal(elsewhere.status, 401, "a query key counts on Gemini's paths only");
    await elsewhere.body?.cancel();
  });
});

Deno.test("gemini ingress: REST's snake_case bodies pass to Gemini as sent and convert for the rest", async () => {
  await withGateway(async ({ url, gem, oai }) => {
    const raw = JSON.stringify(geminiJson("request_function_turns.json"), null, 2);
    for (const model of ["gemini-test", "gpt-x"]) {
      const response = await fetch(`${url}/v1beta/models/${model}:generateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": KEY },
        body: raw,
      });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    assert.deepEqual(upstreamBody(gem), JSON.parse(raw), "Gemini gets the client's request");
    const messages = upstreamBody(oai).messages;
    assert.deepEqual(messages.map((m: { role: string }) => m.role), [
      "system",
      "user",
      "assistant",
      "tool",
    ]);
    assert.equal(messages[3].tool_call_id, messages[2].tool_calls[0].id);
    assert.equal(upstreamBody(oai).max_tokens, 256);
  });
});

Deno.test("gemini ingress: the SDK on v1beta, and pointed at /proxy/{channel}", async () => {
  await withGateway(async ({ url, gem }) => {
    // The SDK's default API version is v1 (every other test); v1beta answers the same.
    const beta = new GoogleGenAI({
      apiKey: KEY,
      httpOptions: { baseUrl: url, apiVersion: "v1beta" },
    });
    assert.equal(
      (await beta.models.generateContent({ model: "gpt-x", contents: "Hi" })).text,
      "Hello from gpt-x",
    );

    // Through /proxy the SDK's path is joined to the channel's base URL (…/v1beta): the version
    // the SDK names (v1 by default) replaces the base URL's, and none keeps it.
    const versions = [[undefined, "v1"], ["v1beta", "v1beta"], ["", "v1beta"]] as const;
    for (const [apiVersion, reached] of versions) {
      const proxied = new GoogleGenAI({
        apiKey: KEY,
        httpOptions: {
          baseUrl: `${url}/proxy/gem`,
          ...(apiVersion === undefined ? {} : { apiVersion }),
        },
      });
      const answer = await proxied.models.generateContent({
        model: "gemini-test",
        contents: "Title?",
      });
      assert.match(answer.text ?? "", /Beacon Rock/);
      const call = gem.received.at(-1)!;
      assert.equal(call.path, `/${reached}/models/gemini-test:generateContent`);
      assert.equal(call.headers.get("x-goog-api-key"), "g-real", "the gateway key is swapped");
    }
  });
});

Deno.test("gemini ingress: the model list and lookup through the SDK", async () => {
  await withGateway(async ({ ai }) => {
    const names: string[] = [];
    for await (const model of await ai.models.list({ config: { pageSize: 3 } })) {
      names.push(model.name!);
    }
    assert.ok(names.includes("models/gpt-x") && names.includes("models/oai/gpt-x"));
    assert.ok(names.includes("models/fast"), "aliases are listed");
    assert.equal(new Set(names).size, names.length, "pages neither repeat nor skip");
    const model = await ai.models.get({ model: "oai/gpt-x" });
    assert.equal(model.name, "models/oai/gpt-x");
    assert.deepEqual(model.supportedActions, ["generateContent", "countTokens"]);
    const missing = await apiError(ai.models.get({ model: "nope" }));
    assert.equal(missing.status, 404);
    assert.partialDeepStrictEqual(missing.body, { error: { status: "NOT_FOUND" } });
  });
});

Deno.test("gemini ingress: hostile bodies get Google-shaped 4xx, never a crash", async () => {
  await withGateway(async ({ url }) => {
    const post = (body: string, model = "gpt-x") =>
      fetch(`${url}/v1beta/models/${model}:generateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": KEY },
        body,
      });
    for (const body of ["", "[1]", "{", "[".repeat(5000) + "]".repeat(5000), '{"contents":[]}']) {
      const response = await post(body);
      assert.equal(response.status, 400, body.slice(0, 20));
      assert.equal((await response.json()).error.status, "INVALID_ARGUMENT");
    }
    const bad = await post(JSON.stringify({ contents: [{ parts: [{ text: "x" }] }] }), "%E0%A4%A");
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const huge = await post(
      JSON.stringify({ contents: [{ parts: [{ text: "x".repeat(5 * 1024 * 1024) }] }] }),
    );
    assert.equal(huge.status, 413);
    assert.equal((await huge.json()).error.code, 413);
  });
});
