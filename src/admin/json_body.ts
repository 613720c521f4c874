/** The JSON body of an admin request: a JSON object, bounded in depth (the guard bounds size). */
import type { Context } from "hono";
import { z } from "zod";
import { parseBody } from "../ingress/body.ts";

const AnyObject = z.record(z.string(), z.unknown());

/**
 * The body as a JSON object, whatever its declared type (`curl -d` says urlencoded, `fetch` with
 * a string says text/plain): the guard, not the content type, keeps other sites out.
 * @throws {GatewayError} 400 for bad or too deep JSON.
 */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  return parseBody(await c.req.text(), AnyObject);
}
