/** Identifiers carried across dialects, made valid for the side that receives them. */

/**
 * Anthropic requires tool_use ids to match `^[a-zA-Z0-9_-]+$`; some OpenAI-compatible servers
 * produce others (`functions.get_weather:0`). Both directions map ids the same way, so a call and
 * its result still pair up.
 */
export function toolUseId(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, "_");
  return clean === "" ? "toolu_missing" : clean;
}

/** An Anthropic-style message id for an answer that came from another dialect. */
export function messageId(id: unknown): string {
  const base = typeof id === "string" && id !== "" ? id : crypto.randomUUID();
  return base.startsWith("msg_") ? base : `msg_${base}`;
}
