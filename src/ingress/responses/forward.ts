/**
 * `GET`/`DELETE /v1/responses/{id}` (and `/input_items`, `/cancel`) for a response an upstream
 * stores: asked of the channel that served it, with the channel's key. The URL is the one the
 * channel's plugin builds for creating a response (`…/v1/responses`, Azure's
 * `…/openai/responses?api-version=…`) with the id appended, so every plugin that serves
 * Responses serves these too. The upstream's answer goes back as it came, its keys scrubbed.
 */
import type { Context } from "hono";
import { GatewayError } from "../../errors.ts";
import type { RequestContext } from "../../plugin/contract.ts";
import { readCappedText, TooLargeError } from "../../proxy/read_capped.ts";
import type { ProxyDeps } from "../../proxy/scope.ts";
import { scrubberFor } from "../../proxy/scrub.ts";
import { assertOnOrigin, buildUpstreamRequest } from "../../proxy/upstream_request.ts";
import type { StoredResponse } from "../../store/responses.ts";
import type { GatewayEnv } from "../route.ts";

/** Query parameters these endpoints take, passed on; anything else stays here. */
const QUERY = ["include", "include[]", "limit", "order", "after", "before"];

export async function forwardToChannel(
  c: Context<GatewayEnv>,
  deps: ProxyDeps,
  stored: StoredResponse,
  id: string,
  method: "GET" | "DELETE" | "POST",
  suffix: "" | "/input_items" | "/cancel",
): Promise<Response> {
  const gateway = c.get("gateway");
  const channel = gateway.channelsByName.get(stored.channel);
  if (!channel || !channel.endpoints.has("responses")) {
    throw new GatewayError(404, `Response with id '${id}' not found.`, {
      code: "response_not_found",
      param: "response_id",
    });
  }
  c.get("log").set({ channel: channel.name, model: stored.model });
  const signal = AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(channel.timeout)]);
  const ctx: RequestContext<unknown> & { endpoint: "responses" } = {
    channel: channel.info,
    endpoint: "responses",
    model: stored.model,
    requestedModel: stored.model,
    stream: false,
    apiKey: channel.keys.pick(),
    requestId: c.get("requestId"),
    signal,
    clientHeaders: new Headers(),
  };
  const built = await buildUpstreamRequest({ channel, ctx, body: { model: stored.model } });
  const url = new URL(built.url);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${encodeURIComponent(id)}${suffix}`;
  for (const [name, value] of new URL(c.req.url).searchParams) {
    if (QUERY.includes(name)) url.searchParams.append(name, value);
  }
  assertOnOrigin(channel, url.href);
  const headers = new Headers(built.headers as HeadersInit);
  headers.delete("content-type");
  const started = deps.now();
  let upstream: Response;
  try {
    upstream = await deps.fetch(url, { method, headers, signal });
  } catch (error) {
    throw new GatewayError(
      502,
      `Channel "${channel.name}" could not be reached: ${reason(error)}`,
      {
        code: "upstream_unreachable",
      },
    );
  }
  if (upstream.status >= 300 && upstream.status < 400) {
    await upstream.body?.cancel();
    throw new GatewayError(502, `Channel "${channel.name}" answered with a redirect, not followed`);
  }
  let text: string;
  try {
    text = await readCappedText(upstream, gateway.config.defaults.max_response_bytes);
  } catch (error) {
    if (error instanceof TooLargeError) {
      throw new GatewayError(502, `Channel "${channel.name}" sent too large an answer`);
    }
    throw new GatewayError(502, `Channel "${channel.name}" failed: ${reason(error)}`);
  }
  c.get("log").set({ upstreamMs: deps.now() - started, attempts: 1 });
  const scrub = scrubberFor([...channel.keys.all, c.get("token")]);
  return new Response(scrub(text), {
    status: upstream.status,
    headers: {
      "content-type": upstream.headers.get("content-type") ?? "application/json",
      "x-sluice-channel": channel.name,
    },
  });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
