/**
 * The Responses API end to end, through the official `openai` SDK (`responses.create`,
 * `responses.stream`, `retrieve`, `delete`, `inputItems.list`): every shipped plugin kind —
 * OpenAI and Azure natively, Anthropic, Gemini, an OpenAI-compatible preset and echo converted —
 * streaming and not, text, a function tool with its second turn, an image, and
 * `previous_response_id` native (pinned) and emulated (stored in KV, scoped to its key).
 * Upstreams are local servers speaking each provider's protocol (`fixtures/responses/_upstreams.ts`).
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startGateway, startUpstream, type TestGateway, type Upstream } from "./_harness.ts";
import {
  anthropicProtocol,
  chatProtocol,
  geminiProtocol,
  nativeResponses,
} from "./fixtures/responses/_upstreams.ts";
import { fixtureJson } from "./fixtures/responses/_load.ts";

/** OpenAI's error object: `message`, `type`, `param`, `code`. */
const ERROR_SHAPE =
  fixtureJson<{ error: Record<string, unknown> }>("error_invalid_request.json").error;

const ALICE = "sk-alice-responses-test";
const BOB = "sk-bob-responses-test";

interface World {
  gateway: TestGateway;
  kv: Deno.Kv;
  native: Upstream & { stored: Map<string, unknown> };
  chat: Upstream;
  anthropic: Upstream;
  gemini: Upstream;
  alice: OpenAI;
  bob: OpenAI;
}

async function withWorld(run: (w: World) => Promise<void>) {
  const native = nativeResponses();
  const chat = chatProtocol();
  const anthropic = anthropicProtocol();
  const gemini = geminiProtocol();
  const down = startUpstream(() => new Response("busy", { status: 503 }));
  const kv = await Deno.openKv(":memory:");
  const gateway = await startGateway(
    `
keys:
  - { name: alice, key: ${ALICE} }
  - { name: bob, key: ${BOB} }
channels:
  - { name: openai, plugin: openai, base_url: "${native.url}/v1", keys: [sk-up-openai], models: [m-openai, m-shared, m-failover], priority: 2 }
  - { name: openai-b, plugin: openai, base_url: "${native.url}/v1", keys: [sk-up-b], models: [m-shared, m-b], priority: 1 }
  - { name: azure, plugin: azure, base_url: "${native.url}", keys: [sk-up-azure], models: [m-azure], options: { api: v1 } }
  - { name: azure-dep, plugin: azure, base_url: "${native.url}", keys: [sk-up-azure], models: [m-azure-dep], options: { deployments: { m-azure-dep: prod-gpt } } }
  - { name: deepseek, plugin: deepseek, base_url: "${chat.url}/v1", keys: [sk-up-ds], models: [m-deepseek, m-deepseek-length, m-deepseek-broken] }
  - { name: chat-down, plugin: vllm, base_url: "${down.url}/v1", models: [m-failover], priority: 1, retry: 0 }
  - { name: gemini, plugin: gemini, base_url: "${gemini.url}/v1beta", keys: [sk-up-gem], models: [m-gemini] }
  - { name: anthropic, plugin: anthropic, base_url: "${anthropic.url}/v1", keys: [sk-up-ant], models: [m-anthropic] }
  - { name: echo, plugin: echo, models: [m-echo], options: { models: [m-echo] } }
`,
    { kv },
  );
  const client = (apiKey: string) =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, timeout: 10_000 });
  try {
    await run({
      gateway,
      kv,
      native,
      chat,
      anthropic,
      gemini,
      alice: client(ALICE),
      bob: client(BOB),
    });
  } finally {
    await gateway.close();
    kv.close();
    await Promise.all([native, chat, anthropic, gemini, down].map((u) => u.close()));
  }
}

const TOOLS: OpenAI.Responses.FunctionTool[] = [{
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { location: { type: "string" } } },
  strict: false,
}];
const ASK = "Weather in Paris?";
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** What a streamed text answer reads as, for upstreams whose stream recording differs. */
const STREAMED: Record<string, string> = {
  openai: "Hello world",
  azure: "Hello world",
  "azure-dep": "Hello world",
  gemini: "The sky is blue because of Rayleigh scattering.",
  anthropic: "Hello there!",
};

/** Streams `params`, checking the event order the SDK and OpenAI promise, and returns the end. */
async function streamed(
  openai: OpenAI,
  params: Omit<OpenAI.Responses.ResponseCreateParamsStreaming, "stream">,
) {
  const stream = openai.responses.stream(params);
  const types: string[] = [];
  let last = -1;
  for await (const event of stream) {
    assert.ok(
      event.sequence_number > last,
      `sequence_number ${event.sequence_number} after ${last}`,
    );
    last = event.sequence_number;
    types.push(event.type);
  }
  assert.equal(types[0], "response.created");
  const ends = ["response.completed", "response.incomplete", "response.failed"];
  assert.ok(ends.includes(types.at(-1)!), types.at(-1));
  return await stream.finalResponse();
}

Deno.test("responses API serves every plugin kind through the official SDK", async (t) => {
  await withWorld(async ({ alice, native, chat, anthropic, gemini }) => {
    const imageSeen: Record<string, () => string> = {
      openai: () => native.received.at(-1)!.body,
      deepseek: () => chat.received.at(-1)!.body,
      anthropic: () => anthropic.received.at(-1)!.body,
      gemini: () => gemini.received.at(-1)!.body,
    };
    for (
      const kind of ["openai", "azure", "azure-dep", "deepseek", "anthropic", "gemini", "echo"]
    ) {
      const model = `m-${kind}`;
      await t.step(`${kind}: text, whole and streamed`, async () => {
        const whole = await alice.responses.create({ model, input: ASK });
        assert.equal(whole.object, "response");
        assert.equal(whole.status, "completed");
        assert.ok(whole.output_text.length > 0);
        assert.ok((whole.usage?.input_tokens ?? 0) > 0);
        const final = await streamed(alice, { model, input: ASK });
        assert.equal(final.status, "completed");
        assert.equal(final.output_text, STREAMED[kind] ?? whole.output_text);
      });
      if (kind === "echo") continue; // echo answers text only

      await t.step(`${kind}: a function tool, then its second turn`, async () => {
        for (
          const first of [
            await alice.responses.create({ model, input: ASK, tools: TOOLS }),
            await streamed(alice, { model, input: ASK, tools: TOOLS }),
          ]
        ) {
          const call = first.output.find((i) => i.type === "function_call");
          assert.ok(call?.type === "function_call", JSON.stringify(first.output));
          assert.equal(call.name, "get_weather");
          assert.equal(typeof JSON.parse(call.arguments).location, "string");
          const second = await alice.responses.create({
            model,
            tools: TOOLS,
            input: [
              { role: "user", content: ASK },
              ...first.output as OpenAI.Responses.ResponseInputItem[],
              { type: "function_call_output", call_id: call.call_id, output: '{"sky":"sunny"}' },
            ],
          });
          assert.ok(second.output_text.length > 0);
          assert.equal(second.output.some((i) => i.type === "function_call"), false);
        }
      });

      if (!imageSeen[kind]) continue;
      await t.step(`${kind}: an image input reaches the upstream in its own format`, async () => {
        await alice.responses.create({
          model,
          input: [{
            role: "user",
            content: [
              { type: "input_text", text: "What is this?" },
              { type: "input_image", image_url: PNG, detail: "auto" },
            ],
          }],
        });
        const sent = imageSeen[kind]();
        assert.ok(sent.includes(PNG.slice(-40)), `${kind} got the image bytes`);
        const form = {
          openai: '"input_image"',
          deepseek: '"image_url"',
          anthropic: '"image"',
          gemini: '"inlineData"',
        };
        assert.ok(sent.includes(form[kind as keyof typeof form]), sent.slice(0, 300));
      });
    }
  });
});

Deno.test("responses API sends native requests byte for byte to the right URL", async () => {
  await withWorld(async ({ gateway, native }) => {
    const body =
      `{"model":"m-openai","input":"Hi",  "tools":[{"type":"web_search"}],"x_unknown":1}`;
    const res = await fetch(`${gateway.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE}`, "content-type": "application/json" },
      body,
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).object, "response");
    assert.equal(native.received.at(-1)!.body, body);
    assert.equal(native.received.at(-1)!.path, "/v1/responses");
    assert.equal(native.received.at(-1)!.headers.get("authorization"), "Bearer sk-up-openai");
    const bare = await fetch(`${gateway.url}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE}` },
      body: '{"model":"m-deepseek","input":"Hi"}',
    });
    assert.equal(bare.status, 200);
    assert.equal((await bare.json()).output[0].content[0].text, "Hello from m-deepseek");

    const alice = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: ALICE, maxRetries: 0 });
    await alice.responses.create({ model: "m-azure", input: "Hi" });
    assert.equal(native.received.at(-1)!.path, "/openai/v1/responses");
    assert.equal(native.received.at(-1)!.headers.get("api-key"), "sk-up-azure");
    await alice.responses.create({ model: "m-azure-dep", input: "Hi" });
    assert.equal(native.received.at(-1)!.path, "/openai/responses?api-version=2025-04-01-preview");
    assert.equal(JSON.parse(native.received.at(-1)!.body).model, "prod-gpt");
  });
});

Deno.test("responses previous_response_id: native responses pin their channel and pass lookups to it", async () => {
  await withWorld(async ({ gateway, native, alice, bob }) => {
    // Served by "openai" (explicitly); the follow-up names a model "openai-b" would serve first.
    const first = await alice.responses.create({ model: "openai/m-shared", input: "Hi" });
    const { data: follow, response } = await alice.responses.create({
      model: "m-shared",
      input: "And then?",
      previous_response_id: first.id,
    }).withResponse();
    assert.equal(response.headers.get("x-sluice-channel"), "openai");
    assert.equal(JSON.parse(native.received.at(-1)!.body).previous_response_id, first.id);
    assert.ok(native.stored.has(follow.id));

    const streamedFollow = await streamed(alice, {
      model: "m-shared",
      input: "More",
      previous_response_id: follow.id,
    });
    assert.equal(streamedFollow.output_text, "Hello world");

    const got = await alice.responses.retrieve(first.id);
    assert.equal(got.id, first.id);
    assert.equal(native.received.at(-1)!.path, `/v1/responses/${first.id}`);
    assert.equal(native.received.at(-1)!.headers.get("authorization"), "Bearer sk-up-openai");
    const items = await alice.responses.inputItems.list(first.id);
    assert.deepEqual(items.data.map((i) => i.type), ["message"]);

    await assert.rejects(
      bob.responses.retrieve(first.id),
      (e) => e instanceof OpenAI.NotFoundError,
    );
    await assert.rejects(
      bob.responses.create({ model: "m-shared", input: "x", previous_response_id: first.id }),
      (e) => e instanceof OpenAI.BadRequestError && e.code === "previous_response_not_found",
    );
    // The channel that stores it does not serve this model: the conversation cannot continue.
    await assert.rejects(
      alice.responses.create({ model: "m-b", input: "x", previous_response_id: first.id }),
      (e) => e instanceof OpenAI.BadRequestError && e.code === "previous_response_not_found",
    );

    await alice.responses.delete(first.id);
    assert.equal(native.stored.has(first.id), false);
    await assert.rejects(
      alice.responses.retrieve(first.id),
      (e) => e instanceof OpenAI.NotFoundError,
    );
    assert.ok(gateway.records.length > 0);
  });
});

Deno.test("responses previous_response_id: chat channels get the stored conversation, scoped to its key", async () => {
  await withWorld(async ({ kv, chat, native, alice, bob }) => {
    const first = await alice.responses.create({ model: "m-deepseek", input: "My name is Ada." });
    const second = await streamed(alice, {
      model: "m-deepseek",
      instructions: "Be terse.",
      input: "What is my name?",
      previous_response_id: first.id,
    });
    assert.deepEqual(JSON.parse(chat.received.at(-1)!.body).messages, [
      { role: "system", content: "Be terse." },
      { role: "user", content: "My name is Ada." },
      { role: "assistant", content: "Hello from m-deepseek" },
      { role: "user", content: "What is my name?" },
    ]);
    assert.equal(second.previous_response_id, first.id);

    const third = await alice.responses.create({
      model: "m-deepseek",
      input: [{ role: "user", content: "Thanks" }],
      previous_response_id: second.id,
    });
    assert.equal(JSON.parse(chat.received.at(-1)!.body).messages.length, 5);

    // A native channel continues an emulated conversation with the whole of it as input.
    await alice.responses.create({
      model: "m-openai",
      input: "Bye",
      previous_response_id: third.id,
    });
    const sent = JSON.parse(native.received.at(-1)!.body);
    assert.equal(sent.previous_response_id, undefined);
    assert.deepEqual(sent.input.map((i: { role?: string }) => i.role), [
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);

    assert.deepEqual(await alice.responses.retrieve(first.id), first);
    const items = await alice.responses.inputItems.list(second.id, { order: "asc" });
    assert.deepEqual(items.data.map((i) => i.type === "message" && i.role), [
      "user",
      "assistant",
      "user",
    ]);
    await assert.rejects(
      bob.responses.retrieve(first.id),
      (e) => e instanceof OpenAI.NotFoundError,
    );
    await assert.rejects(
      bob.responses.create({ model: "m-deepseek", input: "x", previous_response_id: first.id }),
      (e) => e instanceof OpenAI.BadRequestError && e.param === "previous_response_id",
    );

    await alice.responses.delete(first.id);
    await assert.rejects(
      alice.responses.retrieve(first.id),
      (e) => e instanceof OpenAI.NotFoundError,
    );

    const stored = async () => (await Array.fromAsync(kv.list({ prefix: ["responses"] }))).length;
    const before = await stored();
    const unstored = await alice.responses.create({
      model: "m-deepseek",
      input: "x",
      store: false,
    });
    await streamed(alice, { model: "m-deepseek", input: "x", store: false });
    await alice.responses.create({ model: "m-openai", input: "x", store: false });
    assert.equal(await stored(), before);
    await assert.rejects(
      alice.responses.create({
        model: "m-deepseek",
        input: "y",
        previous_response_id: unstored.id,
      }),
      (e) => e instanceof OpenAI.BadRequestError && e.code === "previous_response_not_found",
    );
  });
});

Deno.test("responses API errors are OpenAI-shaped and name the field", async () => {
  await withWorld(async ({ gateway, alice }) => {
    const post = (body: unknown) =>
      fetch(`${gateway.url}/v1/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${ALICE}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const cases: [unknown, string][] = [
      [{ model: "m-deepseek", input: 42 }, "input"],
      [{ model: "m-deepseek", input: [{ role: "robot", content: "hi" }] }, "input[0].role"],
      [{ model: "m-deepseek", input: "hi", tools: [{ type: "web_search" }] }, "tools[0].type"],
      [{
        model: "m-deepseek",
        input: [{ role: "user", content: [{ type: "input_file", file_url: "https://x/a.pdf" }] }],
      }, "input[0].content[0].file_url"],
    ];
    for (const [body, param] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const { error } = await res.json();
      assert.equal(error.param, param);
      assert.equal(error.type, "invalid_request_error");
      assert.deepEqual(Object.keys(error).sort(), Object.keys(ERROR_SHAPE).sort());
      assert.ok(error.message.includes(param), error.message);
    }
    const wrong = await fetch(`${gateway.url}/v1/responses`, {
      headers: { authorization: `Bearer ${ALICE}` },
    });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST");
    await wrong.body?.cancel();
    const long = await post({
      model: "m-deepseek",
      input: "x",
      previous_response_id: "r".repeat(5000),
    });
    assert.equal(long.status, 400);
    assert.equal((await long.json()).error.param, "previous_response_id");
    const odd = await fetch(`${gateway.url}/v1/responses/${"%2F..%2F".repeat(50)}`, {
      headers: { authorization: `Bearer ${ALICE}` },
    });
    assert.equal(odd.status, 404);
    assert.equal((await odd.json()).error.type, "invalid_request_error");
    await assert.rejects(
      alice.responses.retrieve("resp_nope"),
      (e) => e instanceof OpenAI.NotFoundError && /resp_nope/.test(e.message),
    );
  });
});

Deno.test("responses usage lands in the request record, native and converted, whole and streamed", async () => {
  await withWorld(async ({ gateway, alice }) => {
    const usageOf = async (run: () => Promise<unknown>) => {
      const n = gateway.records.length;
      await run();
      return (await gateway.recorded(n + 1)).at(-1)!.usage;
    };
    assert.deepEqual(
      await usageOf(() => alice.responses.create({ model: "m-openai", input: "x" })),
      { prompt: 36, completion: 87 },
    );
    assert.deepEqual(
      await usageOf(() => streamed(alice, { model: "m-openai", input: "x" })),
      { prompt: 10, completion: 2 },
    );
    assert.deepEqual(
      await usageOf(() => streamed(alice, { model: "m-openai", input: "x", tools: TOOLS })),
      { prompt: 291, completion: 23, cached: 128 },
    );
    assert.deepEqual(
      await usageOf(() => streamed(alice, { model: "m-deepseek", input: "x" })),
      { prompt: 9, completion: 5 },
    );
    assert.equal(gateway.records.at(-1)!.endpoint, "responses");
  });
});

Deno.test("responses API fails over across kinds, ends broken streams with response.failed, and reports max tokens", async () => {
  await withWorld(async ({ alice }) => {
    const { response } = await alice.responses.create({ model: "m-failover", input: "x" })
      .withResponse();
    assert.equal(response.headers.get("x-sluice-channel"), "openai");
    assert.equal(response.headers.get("x-sluice-attempts"), "2");

    const broken = await streamed(alice, { model: "m-deepseek-broken", input: "x" }).catch((e) =>
      e
    );
    const failed = broken instanceof Error ? undefined : broken;
    assert.equal(failed?.status, "failed", String(broken));
    assert.equal(failed?.error?.code, "server_error");

    const whole = await alice.responses.create({ model: "m-deepseek-length", input: "x" });
    assert.equal(whole.status, "incomplete");
    assert.equal(whole.incomplete_details?.reason, "max_output_tokens");
    const cut = await streamed(alice, { model: "m-deepseek-length", input: "x" });
    assert.equal(cut.status, "incomplete");
  });
});
