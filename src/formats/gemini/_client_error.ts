/**
 * The 400 for a Gemini client's request that a channel of another kind cannot take as asked:
 * the gateway tries a Gemini channel instead if one serves the model, else the client gets it,
 * naming the field.
 */
import { GatewayError } from "../../errors.ts";

export function unsupported(where: string, message: string): GatewayError {
  return new GatewayError(400, `${where}: ${message}`, {
    code: "unsupported_content",
    param: where,
  });
}
