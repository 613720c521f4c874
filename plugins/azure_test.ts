import assert from "node:assert/strict";
import azure, { azureFailure, azureUrl } from "./azure.ts";
import { requestContext, shapeRequest } from "./_testing.ts";

const BASE = "https://res.openai.azure.com";

Deno.test("azureUrl() builds deployment URLs with api-version", () => {
  const o = { api: "deployments" as const, api_version: "2024-10-21" };
  assert.equal(
    azureUrl(BASE, "chat", "gpt4o-prod", o).href,
    `${BASE}/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21`,
  );
  assert.equal(
    azureUrl(BASE, "completions", "d", o).href,
    `${BASE}/openai/deployments/d/completions?api-version=2024-10-21`,
  );
  assert.equal(
    azureUrl(BASE, "embeddings", "emb", o).href,
    `${BASE}/openai/deployments/emb/embeddings?api-version=2024-10-21`,
  );
});

Deno.test("azureUrl() accepts a base URL that already ends in /openai or /openai/v1", () => {
  const o = { api: "deployments" as const, api_version: "2024-10-21" };
  for (const base of [`${BASE}/openai`, `${BASE}/openai/`, `${BASE}/openai/v1`]) {
    assert.equal(
      azureUrl(base, "chat", "d", o).href,
      `${BASE}/openai/deployments/d/chat/completions?api-version=2024-10-21`,
    );
  }
});

Deno.test("azureUrl() uses the v1 surface without api-version", () => {
  const o = { api: "v1" as const, api_version: "2024-10-21" };
  assert.equal(azureUrl(BASE, "chat", "d", o).href, `${BASE}/openai/v1/chat/completions`);
  assert.equal(
    azureUrl(`${BASE}/openai/v1`, "embeddings", "d", o).href,
    `${BASE}/openai/v1/embeddings`,
  );
});

Deno.test("azureUrl() escapes deployment names", () => {
  const o = { api: "deployments" as const, api_version: "2024-10-21" };
  assert.match(azureUrl(BASE, "chat", "a b/c", o).pathname, /\/deployments\/a%20b%2Fc\//);
});

Deno.test("azure options default to the latest GA version and reject a bad one", () => {
  const parsed = azure.options!.parse({});
  assert.deepEqual(parsed, {
    api: "deployments",
    api_version: "2024-10-21",
    deployments: {},
    stream_usage: true,
  });
  assert.equal(azure.options!.safeParse({ api_version: "latest" }).success, false);
  assert.equal(azure.options!.safeParse({ region: "eu" }).success, false);
});

Deno.test("azure.rewriteRequest() maps the model to its deployment and keeps model in the body", async () => {
  const ctx = requestContext(azure, {
    baseUrl: BASE,
    model: "gpt-4o",
    options: { deployments: { "gpt-4o": "prod-4o" } },
  });
  const request = await shapeRequest(azure, ctx, { messages: [] });
  assert.equal(
    request.url.href,
    `${BASE}/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21`,
  );
  assert.equal((request.body as { model: string }).model, "gpt-4o");
  assert.equal(request.headers.get("api-key"), "sk-test");
  assert.equal(request.headers.get("authorization"), null);
});

Deno.test("azure.rewriteRequest() uses the model name as deployment when unmapped", async () => {
  const ctx = requestContext(azure, { baseUrl: BASE, model: "gpt-4o-mini" });
  const request = await shapeRequest(azure, ctx, { messages: [] });
  assert.equal(request.url.pathname, "/openai/deployments/gpt-4o-mini/chat/completions");
});

Deno.test("azure.rewriteRequest() on v1 sends the deployment as model", async () => {
  const ctx = requestContext(azure, {
    baseUrl: BASE,
    model: "gpt-4o",
    options: { api: "v1", deployments: { "gpt-4o": "prod-4o" } },
  });
  const request = await shapeRequest(azure, ctx, { messages: [] });
  assert.equal(request.url.href, `${BASE}/openai/v1/chat/completions`);
  assert.equal((request.body as { model: string }).model, "prod-4o");
});

Deno.test("azure.rewriteRequest() asks streams for usage, keeping the client's stream options", async () => {
  const ctx = requestContext(azure, { baseUrl: BASE, stream: true });
  const request = await shapeRequest(azure, ctx, { stream_options: { extra: 1 } });
  assert.deepEqual((request.body as Record<string, unknown>).stream_options, {
    extra: 1,
    include_usage: true,
  });
  const off = requestContext(azure, {
    baseUrl: BASE,
    stream: true,
    options: { stream_usage: false },
  });
  assert.equal(
    ((await shapeRequest(azure, off, {})).body as Record<string, unknown>).stream_options,
    undefined,
  );
  const embed = requestContext(azure, { baseUrl: BASE, stream: true, endpoint: "embeddings" });
  assert.equal(
    ((await shapeRequest(azure, embed, {})).body as Record<string, unknown>).stream_options,
    undefined,
  );
});

Deno.test("azureFailure() explains a content filter 400", () => {
  const failure = azureFailure(400, {
    error: {
      code: "content_filter",
      message: "The response was filtered due to the prompt triggering Azure OpenAI's policy.",
      status: 400,
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: {
          hate: { filtered: true, severity: "medium" },
          sexual: { filtered: false, severity: "safe" },
          violence: { filtered: true, severity: "high" },
        },
      },
    },
  });
  assert.equal(failure?.status, 400);
  assert.equal(failure?.code, "content_filter");
  assert.equal(failure?.type, "invalid_request_error");
  assert.match(
    failure!.message,
    /content filter blocked the prompt \(hate: medium, violence: high\)/,
  );
});

Deno.test("azureFailure() points DeploymentNotFound at options.deployments", () => {
  const failure = azureFailure(404, {
    error: {
      code: "DeploymentNotFound",
      message: "The API deployment for this resource does not exist.",
    },
  });
  assert.equal(failure?.status, 404);
  assert.equal(failure?.code, "model_not_found");
  assert.match(failure!.message, /options\.deployments/);
});

Deno.test("azureFailure() keeps status and types auth, rate and API Management errors", () => {
  assert.deepEqual(azureFailure(401, { error: { code: "401", message: "Access denied" } }), {
    status: 401,
    message: "Access denied",
    type: "authentication_error",
    code: "401",
  });
  assert.equal(
    azureFailure(429, { error: { code: "429", message: "Rate limit" } })?.type,
    "rate_limit_error",
  );
  assert.deepEqual(azureFailure(403, { statusCode: 403, message: "Out of call volume quota" }), {
    status: 403,
    message: "Out of call volume quota",
    type: "authentication_error",
    code: "403",
  });
  assert.equal(azureFailure(500, "not json"), undefined);
});

Deno.test("azure.listModels() lists the configured deployments", async () => {
  const ctx = requestContext(azure, {
    options: { deployments: { "gpt-4o": "a", "o3-mini": "b" } },
  });
  const models = await azure.listModels!({ ...ctx, fetch });
  assert.deepEqual(models, ["gpt-4o", "o3-mini"]);
  assert.deepEqual(await azure.listModels!({ ...requestContext(azure), fetch }), []);
});
