/**
 * `models/{model}:countTokens`. A Gemini channel counts with the model's own tokenizer, so when
 * the model is served by one the request is routed there like any other (natively, failover
 * included) and its answer passes unchanged. Other channels have no such method: then the count
 * is estimated here, from the same heuristic the gateway uses for context-window routing, and
 * the answer says so in `x-sluice-token-count: estimated`.
 *
 * Reference: https://ai.google.dev/api/tokens#method:-models.counttokens and, for media,
 * https://ai.google.dev/gemini-api/docs/tokens (an image of up to 384×384 pixels is 258 tokens;
 * larger ones are tiled, so 258 per image is a floor).
 */
import type { Context } from "hono";
import { GatewayError } from "../../errors.ts";
import type { CountTokensBody } from "../../formats/gemini/client_requests.ts";
import type { Content, Part } from "../../formats/gemini/schema.ts";
import { estimateTokens } from "../../formats/tokens.ts";
import type { ProxyDeps } from "../../proxy/scope.ts";
import type { Ingress, PreparedCall } from "../ingress.ts";
import { type GatewayEnv, routeRequest } from "../route.ts";
import { geminiErrorEvent } from "./errors.ts";

/** Tokens Gemini bills for one image (or other media part) of up to 384×384 pixels. */
const MEDIA_TOKENS = 258;

/** The prompt a `generateContent` request sends, estimated in tokens. */
export function estimateContentTokens(
  contents: readonly Content[],
  extra: { systemInstruction?: Content; tools?: unknown } = {},
): number {
  let total = 0;
  for (
    const content of [...contents, ...(extra.systemInstruction ? [extra.systemInstruction] : [])]
  ) {
    for (const part of content.parts ?? []) total += partTokens(part);
  }
  if (extra.tools !== undefined) total += estimateTokens(JSON.stringify(extra.tools));
  return total;
}

function partTokens(part: Part): number {
  if (part.text !== undefined) return estimateTokens(part.text);
  if (part.inlineData || part.fileData) return MEDIA_TOKENS;
  if (part.functionCall) return estimateTokens(JSON.stringify(part.functionCall));
  if (part.functionResponse) return estimateTokens(JSON.stringify(part.functionResponse));
  return 0;
}

/** The estimate for a `countTokens` body: its contents, or its whole generate request. */
export function estimateCountTokens(body: CountTokensBody): number {
  const request = body.generateContentRequest;
  return request
    ? estimateContentTokens(request.contents, request)
    : estimateContentTokens(body.contents ?? []);
}

/** Native only: routing offers this request to channels that serve `countTokens` themselves. */
function countTokensIngress(
  body: CountTokensBody,
  client: Record<string, unknown>,
  rawBody: string,
): Ingress {
  const call: PreparedCall = {
    endpoint: "count_tokens",
    body: client,
    rawBody,
    converted: false,
    clientWantsUsage: false,
  };
  return {
    endpoint: "count_tokens",
    estimatePromptTokens: () => estimateCountTokens(body),
    prepare: () => call,
    finish: (answer) => answer,
    streamConverter: () => undefined,
    errorEvent: geminiErrorEvent,
  };
}

/**
 * Routes the count to a Gemini channel serving `model`, or estimates it when none does.
 * `client` is the body as it came, `body` the same read in lowerCamelCase.
 */
export async function countTokens(
  c: Context<GatewayEnv>,
  deps: ProxyDeps,
  model: string,
  request: { client: Record<string, unknown>; body: CountTokensBody; raw: string },
): Promise<Response> {
  const { body } = request;
  try {
    return await routeRequest(c, deps, {
      ingress: countTokensIngress(body, request.client, request.raw),
      model,
      stream: false,
    });
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== "unsupported_endpoint") throw error;
  }
  return c.json({ totalTokens: estimateCountTokens(body) }, 200, {
    "x-sluice-token-count": "estimated",
  });
}
