import assert from "node:assert/strict";
import { jsonFixture } from "./_fixtures.ts";
import { listGeminiModels, MAX_MODEL_PAGES, parseModelsPage } from "./models.ts";

Deno.test("parseModelsPage() strips the models/ prefix and reads the page token", async () => {
  assert.deepEqual(parseModelsPage(await jsonFixture("models_page1.json")), {
    ids: ["gemini-2.5-flash", "gemini-2.5-pro"],
    nextPageToken: "Ch5tb2RlbHMvdGV4dC1lbWJlZGRpbmctMDA0",
  });
  assert.throws(() => parseModelsPage({ models: "x" }), /without models/);
});

Deno.test("listGeminiModels() follows nextPageToken", async () => {
  const pages = [await jsonFixture("models_page1.json"), await jsonFixture("models_page2.json")];
  const urls: string[] = [];
  const ids = await listGeminiModels((url) => {
    urls.push(url);
    return Promise.resolve(Response.json(pages[urls.length - 1]));
  }, "http://up/v1beta");
  assert.deepEqual(ids, ["gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004"]);
  assert.deepEqual(urls, [
    "http://up/v1beta/models?pageSize=1000",
    "http://up/v1beta/models?pageSize=1000&pageToken=Ch5tb2RlbHMvdGV4dC1lbWJlZGRpbmctMDA0",
  ]);
});

Deno.test("listGeminiModels() stops after a few pages and fails on errors", async () => {
  let calls = 0;
  const ids = await listGeminiModels(() => {
    calls++;
    return Promise.resolve(
      Response.json({ models: [{ name: `models/m${calls}` }], nextPageToken: "t" }),
    );
  }, "http://up");
  assert.equal(calls, MAX_MODEL_PAGES);
  assert.equal(ids.length, MAX_MODEL_PAGES);
  await assert.rejects(
    listGeminiModels(() => Promise.resolve(new Response("no", { status: 403 })), "http://up"),
    /answered 403/,
  );
});
