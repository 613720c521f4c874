/**
 * One server-sent event, as plugins produce and consume them. A leaf module, so format converters
 * can build events without importing the plugin contract back.
 */

/** One server-sent event. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/** An SSE event carrying `value` as JSON, optionally named. */
export function sseJson(value: unknown, event?: string): SseEvent {
  return event === undefined
    ? { data: JSON.stringify(value) }
    : { event, data: JSON.stringify(value) };
}

/** The terminator of OpenAI-style streams. */
export const DONE = "[DONE]";
