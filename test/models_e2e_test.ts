/**
 * Model discovery through the official SDKs: OpenAI's `models.retrieve` (`GET /v1/models/{id}`,
 * `channel/model` ids encoded), Anthropic's `models.list` and `models.retrieve` in Anthropic's
 * shape and paging, and what Claude Code needs with its defaults against an `anthropic` channel
 * that lists no models: the upstream's own list, fetched, and `HEAD /`.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startGateway, startUpstream, type Upstream } from "./_harness.ts";
import { fixtureText } from "./fixtures/anthropic/_load.ts";

const KEY = "sk-gateway-models-test";

/**
 * Claude Code's default model ids (its `sonnet`, `opus` and `haiku` aliases, per
 * https://support.claude.com/en/articles/11940350-claude-code-model-configuration). They change
 * with each release, which is why the channel lists no models and the upstream's list is used.
 */
const CLAUDE_CODE_DEFAULTS = ["claude-sonnet-4-6", "claude-opus-4-6", "claude-haiku-4-5-20251001"];

/** Anthropic's protocol: a paged model list (two per page) and text messages. */
function anthropicUpstream(): Upstream {
  return startUpstream((request) => {
    const url = new URL(request.url);
    if (url.pathname === "/v1/models") {
      const after = url.searchParams.get("after_id");
      const start = after ? CLAUDE_CODE_DEFAULTS.indexOf(after) + 1 : 0;
      const page = CLAUDE_CODE_DEFAULTS.slice(start, start + 2);
      return Response.json({
        data: page.map((id) => ({
          type: "model",
          id,
          display_name: id,
          created_at: "2025-09-29T00:00:00Z",
        })),
        has_more: start + 2 < CLAUDE_CODE_DEFAULTS.length,
        first_id: page[0],
        last_id: page.at(-1),
      });
    }
    return new Response(fixtureText("message_text.json"), {
      headers: { "content-type": "application/json" },
    });
  });
}

async function withGateway(
  fn: (ctx: { url: string; ant: Upstream }) => Promise<void>,
) {
  const ant = anthropicUpstream();
  const gateway = await startGateway(`
keys:
  - { name: all, key: ${KEY} }
  - { name: gpt-only, key: sk-gpt-only, models: ["gpt-*"] }
routing:
  aliases: { fast: gpt-x }
channels:
  - { name: oai, plugin: openai, base_url: "http://127.0.0.1:9/v1", keys: [o], models: [gpt-x, gpt-y, text-embedding-3-small] }
  - { name: ant, plugin: anthropic, base_url: "${ant.url}/v1", keys: [a-real] }
`);
  try {
    await fn({ url: gateway.url, ant });
  } finally {
    await gateway.close();
    await ant.close();
  }
}

Deno.test("models: the OpenAI SDK retrieves a model, channel/model ids included", async () => {
  await withGateway(async ({ url }) => {
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
    assert.deepEqual(await openai.models.retrieve("gpt-x"), {
      id: "gpt-x",
      object: "model",
      created: 0,
      owned_by: "oai",
    });
    assert.equal((await openai.models.retrieve("oai/gpt-y")).id, "oai/gpt-y");
    assert.equal((await openai.models.retrieve("fast")).owned_by, "oai", "aliases resolve");
    const error = await openai.models.retrieve("gpt-z").catch((e) => e);
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal((error.error as { code?: string }).code, "model_not_found");
    assert.match(error.message, /gpt-z/);

    // A model the key may not use is as unknown as one that does not exist.
    const limited = new OpenAI({ baseURL: `${url}/v1`, apiKey: "sk-gpt-only", maxRetries: 0 });
    assert.ok(
      await limited.models.retrieve("claude-opus-4-6").catch((e) => e) instanceof
        OpenAI.NotFoundError,
    );
    assert.deepEqual(
      (await limited.models.list()).data.map((m) => m.id),
      ["gpt-x", "oai/gpt-x", "gpt-y", "oai/gpt-y", "fast"],
    );
  });
});

Deno.test("models: the Anthropic SDK lists in Anthropic's shape and pages through it", async () => {
  await withGateway(async ({ url }) => {
    const anthropic = new Anthropic({ baseURL: url, apiKey: KEY, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of anthropic.models.list({ limit: 3 })) {
      assert.equal(model.type, "model");
      assert.equal(typeof model.display_name, "string");
      assert.ok(!Number.isNaN(Date.parse(model.created_at)));
      ids.push(model.id);
    }
    assert.ok(ids.includes("gpt-x") && ids.includes("claude-haiku-4-5-20251001"));
    assert.ok(ids.includes("ant/claude-sonnet-4-6"));
    assert.equal(new Set(ids).size, ids.length, "pages neither repeat nor skip");

    const page = await (await fetch(`${url}/v1/models?limit=2&after_id=gpt-x`, {
      headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
    })).json();
    assert.deepEqual(page.data.map((m: { id: string }) => m.id), ["oai/gpt-x", "gpt-y"]);
    assert.equal(page.has_more, true);
    assert.equal(page.first_id, "oai/gpt-x");
    assert.equal(page.last_id, "gpt-y");
    const before = await (await fetch(`${url}/v1/models?limit=5&before_id=gpt-y`, {
      headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
    })).json();
    assert.deepEqual(before.data.map((m: { id: string }) => m.id), ["gpt-x", "oai/gpt-x"]);
    assert.equal(before.has_more, false);

    const bad = await fetch(`${url}/v1/models?limit=0`, {
      headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).type, "error", "Anthropic's error shape");

    const model = await anthropic.models.retrieve("claude-opus-4-6");
    assert.equal(model.id, "claude-opus-4-6");
    assert.equal(model.type, "model");
    const missing = await anthropic.models.retrieve("claude-none").catch((e) => e);
    assert.ok(missing instanceof Anthropic.NotFoundError);
    const body = missing.error as { type?: string; error?: { type?: string } };
    assert.equal(body.type, "error");
    assert.equal(body.error?.type, "not_found_error");
  });
});

Deno.test("models: Claude Code's defaults are served from the channel's fetched list, and HEAD / answers", async () => {
  await withGateway(async ({ url, ant }) => {
    const head = await fetch(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    await head.body?.cancel();

    const anthropic = new Anthropic({ baseURL: url, apiKey: KEY, maxRetries: 0 });
    for (const model of CLAUDE_CODE_DEFAULTS) {
      const message = await anthropic.messages.create({
        model,
        max_tokens: 32,
        messages: [{ role: "user", content: "Hi" }],
      });
      assert.equal(message.type, "message");
    }
    // Claude Code marks its calls `?beta=true`.
    for (const path of ["/v1/messages?beta=true", "/v1/messages/count_tokens?beta=true"]) {
      const response = await fetch(url + path, {
        method: "POST",
        headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
        body: JSON.stringify({
          model: CLAUDE_CODE_DEFAULTS[0],
          max_tokens: 32,
          messages: [{ role: "user", content: "Hi" }],
        }),
      });
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
    }
    const sent = ant.received.filter((r) => r.path.startsWith("/v1/messages")).slice(0, 3);
    assert.deepEqual(sent.map((r) => JSON.parse(r.body).model), CLAUDE_CODE_DEFAULTS);
    assert.ok(ant.received.some((r) => r.path.startsWith("/v1/models")), "the list was fetched");
  });
});

Deno.test("models: a Google key on /v1/models gets Gemini's list shape", async () => {
  await withGateway(async ({ url }) => {
    const list = await (await fetch(`${url}/v1/models?pageSize=2`, {
      headers: { "x-goog-api-key": KEY },
    })).json();
    assert.deepEqual(list.models.map((m: { name: string }) => m.name), [
      "models/gpt-x",
      "models/oai/gpt-x",
    ]);
    assert.equal(typeof list.nextPageToken, "string");
    const model = await (await fetch(`${url}/v1/models/oai%2Fgpt-y?key=${KEY}`)).json();
    assert.equal(model.name, "models/oai/gpt-y");
    const missing = await fetch(`${url}/v1/models/gpt-z`, { headers: { "x-goog-api-key": KEY } });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.status, "NOT_FOUND");
  });
});
