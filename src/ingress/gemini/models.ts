/**
 * The model list and model lookup in Gemini's shape (`GET /v1beta/models`, `GET
 * /v1beta/models/{model}`): `Model` resources named `models/{id}`, paged by `pageSize` (default
 * 50, at most 1000) and an opaque `pageToken`. Which models a key sees is decided once, in
 * `openai/models.ts`; this only shapes them.
 *
 * What a gateway cannot know about a model it did not train (token limits, sampling defaults) is
 * left out. `supportedGenerationMethods` is guessed from the name (embedding models embed, the
 * rest generate), since clients filter the list by it.
 *
 * Reference: https://ai.google.dev/api/models#method:-models.list and
 * https://ai.google.dev/api/models#Model.
 */
import { GatewayError } from "../../errors.ts";

/** A model a key may use (`openai/models.ts#visibleModels` decides which). */
interface VisibleModel {
  id: string;
  ownedBy: string;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** A `Model` resource for `model`. */
export function geminiModel(model: VisibleModel) {
  const embeds = /embed/i.test(model.id);
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    version: "sluice",
    displayName: model.id,
    description: `Served by the Sluice channel "${model.ownedBy}"`,
    supportedGenerationMethods: embeds
      ? ["embedContent", "batchEmbedContents"]
      : ["generateContent", "countTokens"],
  };
}

/**
 * One page of the list. The page token is the next model's id (base64url), so a list that
 * changes between pages neither repeats nor skips what stayed.
 * @throws {GatewayError} 400 for a bad `pageSize` or `pageToken`.
 */
export function geminiModelList(models: readonly VisibleModel[], query: URLSearchParams) {
  const sizeText = query.get("pageSize");
  const size = sizeText === null || sizeText === "" ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(size) || size < 0) {
    throw new GatewayError(400, `pageSize: "${sizeText}" is not a non-negative integer`, {
      param: "pageSize",
    });
  }
  const pageSize = Math.min(size || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const token = query.get("pageToken");
  let start = 0;
  if (token) {
    const id = decodeToken(token);
    start = models.findIndex((m) => m.id === id);
    if (start === -1) {
      throw new GatewayError(400, `pageToken: "${token.slice(0, 80)}" is not a valid page token`, {
        param: "pageToken",
      });
    }
  }
  const page = models.slice(start, start + pageSize);
  const next = models[start + pageSize];
  return {
    models: page.map(geminiModel),
    ...(next ? { nextPageToken: encodeToken(next.id) } : {}),
  };
}

function encodeToken(id: string): string {
  const bytes = new TextEncoder().encode(id);
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function decodeToken(token: string): string | undefined {
  try {
    const binary = atob(token.replaceAll("-", "+").replaceAll("_", "/"));
    return new TextDecoder("utf-8", { fatal: true })
      .decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
