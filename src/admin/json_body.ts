/** The JSON body of an admin request: a JSON object, bounded in depth (the guard bounds size). */
import type { Context } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors.ts";
import { parseBody } from "../ingress/body.ts";

const AnyObject = z.record(z.string(), z.unknown());

/**
 * The body as a JSON object.
 * @throws {GatewayError} 415 for another content type, 400 for bad or too deep JSON.
 */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type")?.split(";")[0].trim().toLowerCase();
  if (type !== undefined && type !== "application/json") {
    throw new GatewayError(
      415,
      `Send JSON (content-type application/json), not ${JSON.stringify(type)}`,
      {
        code: "unsupported_media_type",
      },
    );
  }
  return parseBody(await c.req.text(), AnyObject);
}
