/**
 * Gemini's model list (`GET /models`) → plain model ids. The list is paginated with
 * `nextPageToken`; it is followed a few pages at most so a misbehaving upstream cannot keep
 * discovery busy forever.
 *
 * Reference: https://ai.google.dev/api/models#method:-models.list
 */
import { ListModelsResponse } from "./schema.ts";

/** Largest page the API serves. */
export const MODELS_PAGE_SIZE = 1000;

/** Pages followed at most. */
export const MAX_MODEL_PAGES = 5;

/** Model ids of one page, without the `models/` prefix, and the next page's token. */
export function parseModelsPage(body: unknown): { ids: string[]; nextPageToken?: string } {
  const parsed = ListModelsResponse.safeParse(body);
  if (!parsed.success) throw new Error("Gemini sent a model list without models");
  return {
    ids: (parsed.data.models ?? []).map((model) => model.name.replace(/^models\//, "")),
    nextPageToken: parsed.data.nextPageToken || undefined,
  };
}

/**
 * Fetches every page of the model list (up to {@link MAX_MODEL_PAGES}).
 *
 * @example
 * ```ts
 * await listGeminiModels((url) => fetch(url, { headers: { "x-goog-api-key": key } }),
 *   "https://generativelanguage.googleapis.com/v1beta");
 * // → ["gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004", ...]
 * ```
 */
export async function listGeminiModels(
  get: (url: string) => Promise<Response>,
  baseUrl: string,
): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_MODEL_PAGES; page++) {
    const url = new URL(`${baseUrl}/models`);
    url.searchParams.set("pageSize", String(MODELS_PAGE_SIZE));
    if (pageToken) url.searchParams.set("pageToken", pageToken);
    const res = await get(url.toString());
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`GET /models answered ${res.status}`);
    }
    const next = parseModelsPage(await res.json());
    ids.push(...next.ids);
    pageToken = next.nextPageToken;
    if (!pageToken) break;
  }
  return ids;
}
