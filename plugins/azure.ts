/**
 * Azure OpenAI. Same bodies as OpenAI; three differences:
 *
 * - URL: `{base_url}/openai/deployments/{deployment}/{path}?api-version=…`, or with
 *   `api: v1` the newer `{base_url}/openai/v1/{path}` (no api-version; `model` names the
 *   deployment). `base_url` is the resource endpoint, `https://NAME.openai.azure.com`.
 *   Responses (served natively) are not per deployment: `{base_url}/openai/v1/responses`, or
 *   `{base_url}/openai/responses?api-version=…` (preview versions only), `model` the deployment.
 * - Key in the `api-key` header, not `Authorization: Bearer`.
 * - Errors: content-filter 400s (`code: content_filter`, `innererror.content_filter_result`)
 *   and `DeploymentNotFound` 404s become clear OpenAI errors; the status is kept.
 *
 * Sources (checked 2026-11):
 * - learn.microsoft.com/azure/ai-foundry/openai/reference — data plane inference, latest GA
 *   `2024-10-21`; `api-key` header; `POST {endpoint}/openai/deployments/{id}/chat/completions`
 *   (also `/completions`, `/embeddings`); the body's `model` is accepted and ignored there.
 * - learn.microsoft.com/azure/foundry/openai/api-version-lifecycle — v1 API (GA since 2025-08):
 *   `{endpoint}/openai/v1/`, no `api-version`, `model` is the deployment name.
 * - learn.microsoft.com/azure/foundry/openai/how-to/responses — `POST {endpoint}/openai/v1/responses`;
 *   earlier `POST {endpoint}/openai/responses?api-version=2025-03-01-preview` (or later), with
 *   `GET`/`DELETE …/responses/{id}` and `…/{id}/input_items` beside it.
 * - `stream_options.include_usage` is accepted since 2024-08-01-preview and in 2024-10-21 GA.
 * - Content filter error shape: `{error:{code:"content_filter", status:400,
 *   innererror:{code:"ResponsibleAIPolicyViolation", content_filter_result:{hate:{filtered,
 *   severity}, …}}}}` (Azure OpenAI content filtering docs).
 */
import {
  definePlugin,
  type Endpoint,
  ENDPOINTS,
  type UpstreamFailure,
  z,
} from "../src/plugin/contract.ts";

export const azureOptions = z.strictObject({
  /** Which API surface to call. @default "deployments" */
  api: z.enum(["deployments", "v1"]).default("deployments"),
  /** Dated API version for the deployments surface. @default "2024-10-21" (latest GA) */
  api_version: z.string().regex(
    /^\d{4}-\d{2}-\d{2}(-preview)?$/,
    'Expected a dated version such as "2024-10-21" or "2025-04-01-preview"',
  ).default("2024-10-21"),
  /** Model name → deployment name. A model not listed is used as its own deployment name. */
  deployments: z.record(z.string(), z.string().min(1)).default({}),
  /** Ask streams for a final usage chunk. @default true */
  stream_usage: z.boolean().default(true),
});
export type AzureOptions = z.infer<typeof azureOptions>;

/** The Azure URL for one call. `baseUrl` may already end in `/openai` or `/openai/v1`. */
export function azureUrl(
  baseUrl: string,
  endpoint: Exclude<Endpoint, "messages">,
  deployment: string,
  options: Pick<AzureOptions, "api" | "api_version">,
): URL {
  const path = ENDPOINTS[endpoint].path;
  const root = baseUrl.replace(/\/+$/, "").replace(/\/openai(\/v1)?$/, "");
  if (options.api === "v1") return new URL(`${root}/openai/v1${path}`);
  if (endpoint === "responses") {
    // Not per deployment on either surface: the deployment is the body's `model`.
    const url = new URL(`${root}/openai/responses`);
    url.searchParams.set("api-version", responsesApiVersion(options.api_version));
    return url;
  }
  const url = new URL(`${root}/openai/deployments/${encodeURIComponent(deployment)}${path}`);
  url.searchParams.set("api-version", options.api_version);
  return url;
}

/**
 * The api-version for Responses on the deployments surface, which has it only since
 * `2025-03-01-preview`: the channel's own when new enough, else `2025-04-01-preview`.
 */
export function responsesApiVersion(configured: string): string {
  return configured.slice(0, 10) >= "2025-03-01" ? configured : "2025-04-01-preview";
}

/** The deployments surface serves realtime on preview versions only. */
const REALTIME_PREVIEW = "2025-04-01-preview";

/**
 * Azure's realtime WebSocket for a deployment: `{root}/openai/v1/realtime?model={deployment}`
 * (GA, `api: v1`) or `{root}/openai/realtime?api-version=…&deployment={deployment}` (preview:
 * the channel's `api_version` when it is a preview, else 2025-04-01-preview). The key goes in
 * the `api-key` header (browsers, which cannot set it, use `?api-key=`; the gateway can).
 * Source: learn.microsoft.com/azure/foundry/openai/how-to/realtime-audio-websockets
 * ("Connection and authentication", checked 2026-12).
 */
export function azureRealtimeUrl(
  baseUrl: string,
  deployment: string,
  options: Pick<AzureOptions, "api" | "api_version">,
): URL {
  const root = baseUrl.replace(/\/+$/, "").replace(/\/openai(\/v1)?$/, "");
  if (options.api === "v1") {
    const url = new URL(`${root}/openai/v1/realtime`);
    url.searchParams.set("model", deployment);
    return url;
  }
  const url = new URL(`${root}/openai/realtime`);
  const preview = options.api_version.endsWith("-preview");
  url.searchParams.set("api-version", preview ? options.api_version : REALTIME_PREVIEW);
  url.searchParams.set("deployment", deployment);
  return url;
}

/** The deployment serving `model`: its mapping, else a deployment of the same name. */
export function deploymentFor(model: string, deployments: Readonly<Record<string, string>>) {
  return Object.hasOwn(deployments, model) ? deployments[model] : model;
}

/** The model a deployment serves (the reverse of `deployments`), else the deployment's name. */
export function modelOfDeployment(
  deployment: string,
  deployments: Readonly<Record<string, string>>,
): string {
  return Object.entries(deployments).find(([, d]) => d === deployment)?.[0] ?? deployment;
}

interface AzureError {
  code?: unknown;
  message?: unknown;
  innererror?: { code?: unknown; content_filter_result?: unknown };
}

/** `hate: medium, violence: high` from a content filter result, or "". */
function filteredCategories(result: unknown): string {
  if (typeof result !== "object" || result === null) return "";
  return Object.entries(result as Record<string, { filtered?: unknown; severity?: unknown }>)
    .filter(([, v]) => v?.filtered === true)
    .map(([name, v]) => typeof v.severity === "string" ? `${name}: ${v.severity}` : name)
    .join(", ");
}

function typeFor(status: number): string {
  if (status === 401 || status === 403) return "authentication_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "upstream_error";
  return "invalid_request_error";
}

/** Azure's error bodies as OpenAI errors; undefined when the body is not one of Azure's. */
export function azureFailure(status: number, body: unknown): UpstreamFailure | undefined {
  const outer = body as { error?: AzureError; message?: unknown; statusCode?: unknown };
  // API Management in front of Azure answers `{ statusCode, message }` (bad key, quota).
  const error: AzureError | undefined = typeof outer?.error === "object" && outer.error !== null
    ? outer.error
    : typeof outer?.message === "string"
    ? { message: outer.message, code: outer.statusCode }
    : undefined;
  if (!error) return undefined;
  const code = error.code === undefined || error.code === null ? "" : String(error.code);
  const message = typeof error.message === "string" ? error.message : `Azure answered ${status}`;
  if (code === "content_filter" || error.innererror?.code === "ResponsibleAIPolicyViolation") {
    const categories = filteredCategories(error.innererror?.content_filter_result);
    return {
      status,
      message: `Azure OpenAI's content filter blocked the prompt${
        categories ? ` (${categories})` : ""
      }: ${message}`,
      type: "invalid_request_error",
      code: "content_filter",
    };
  }
  if (code === "DeploymentNotFound") {
    return {
      status,
      message: `${message} Map model names to deployment names with the channel's ` +
        `"options.deployments".`,
      type: "invalid_request_error",
      code: "model_not_found",
    };
  }
  return { status, message, type: typeFor(status), code: code || null };
}

export default definePlugin({
  name: "azure",
  description: "Azure OpenAI deployments (api-key auth, api-version or the v1 API)",
  options: azureOptions,
  endpoints: ["chat", "completions", "embeddings", "responses"],

  rewriteRequest(request, ctx) {
    // Azure serves only OpenAI's endpoints; others never reach it (see `endpoints`).
    const e = request.endpoint;
    if (e === "responses") {
      const deployment = deploymentFor(ctx.model, ctx.channel.options.deployments);
      request.url = azureUrl(ctx.channel.baseUrl, e, deployment, ctx.channel.options);
      // The client's bytes go as they came unless the deployment's name differs.
      if (deployment !== ctx.model) request.body.model = deployment;
      return;
    }
    if (e !== "chat" && e !== "completions" && e !== "embeddings") return;
    const o = ctx.channel.options;
    const deployment = deploymentFor(ctx.model, o.deployments);
    request.url = azureUrl(ctx.channel.baseUrl, request.endpoint, deployment, o);
    if (o.api === "v1") request.body.model = deployment;
    if (ctx.stream && o.stream_usage && request.endpoint !== "embeddings") {
      request.body.stream_options = { ...request.body.stream_options, include_usage: true };
    }
  },

  injectHeaders(headers, ctx) {
    if (ctx.apiKey) headers.set("api-key", ctx.apiKey);
  },

  openWebSocket(ctx) {
    const headers: Record<string, string> = ctx.apiKey ? { "api-key": ctx.apiKey } : {};
    if (ctx.kind === "passthrough") return { url: ctx.url, headers };
    const o = ctx.channel.options;
    const url = azureRealtimeUrl(ctx.channel.baseUrl, deploymentFor(ctx.model, o.deployments), o);
    for (const [name, value] of ctx.url.searchParams) {
      if (!["model", "deployment", "api-version"].includes(name)) url.searchParams.set(name, value);
    }
    return { url, headers };
  },

  transformError(status, body) {
    return azureFailure(status, body);
  },

  nativeModel(call, ctx) {
    const deployment = /^\/openai\/deployments\/([^/]+)\//.exec(call.path)?.[1];
    if (deployment) return modelOfDeployment(deployment, ctx.channel.options.deployments);
    const model = (call.body as { model?: unknown } | undefined)?.model;
    return typeof model === "string" ? model : undefined;
  },

  // Listing deployments needs the management API (Entra ID, not the api-key), so the
  // configured mapping is the list.
  listModels(ctx) {
    return Promise.resolve(Object.keys(ctx.channel.options.deployments));
  },
});
