/**
 * Identifiers for what the gateway makes up when it answers a Responses client from a chat
 * channel, with OpenAI's prefixes (`resp_`, `msg_`, `fc_`, `rs_`) so clients that sort items by
 * prefix keep working. Random, so ids never collide across instances sharing one KV.
 */

/** A fresh id with `prefix`, e.g. `newId("resp")` → `resp_6f1c…` (32 hex digits). */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** The prefix of the output item id for each item type. */
export const ITEM_PREFIX: Readonly<Record<string, string>> = {
  message: "msg",
  function_call: "fc",
  function_call_output: "fco",
  reasoning: "rs",
};
