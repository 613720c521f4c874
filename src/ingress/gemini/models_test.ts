import assert from "node:assert/strict";
import { GatewayError } from "../../errors.ts";
import { geminiModelList } from "./models.ts";

const models = Array.from({ length: 5 }, (_, i) => ({ id: `m${i}`, ownedBy: "c" }));
const page = (query: Record<string, string>) => geminiModelList(models, new URLSearchParams(query));

Deno.test("geminiModelList() pages by pageSize and a token naming the next model", () => {
  const first = page({ pageSize: "2" });
  assert.deepEqual(first.models.map((m) => m.name), ["models/m0", "models/m1"]);
  assert.equal(typeof first.nextPageToken, "string");
  const second = page({ pageSize: "2", pageToken: first.nextPageToken! });
  assert.deepEqual(second.models.map((m) => m.name), ["models/m2", "models/m3"]);
  const last = page({ pageSize: "2", pageToken: second.nextPageToken! });
  assert.deepEqual(last.models.map((m) => m.name), ["models/m4"]);
  assert.equal(last.nextPageToken, undefined);
  assert.equal(page({}).models.length, 5);
});

Deno.test("geminiModelList() describes models as Gemini's Model resource", () => {
  const [model] =
    geminiModelList([{ id: "text-embedding-3-small", ownedBy: "oai" }], new URLSearchParams())
      .models;
  assert.deepEqual(model.supportedGenerationMethods, ["embedContent", "batchEmbedContents"]);
  assert.equal(model.name, "models/text-embedding-3-small");
  assert.match(model.description, /"oai"/);
});

Deno.test("geminiModelList() refuses a bad pageSize or pageToken with a 400", () => {
  const queries: Record<string, string>[] = [
    { pageSize: "-1" },
    { pageSize: "two" },
    { pageToken: "!!" },
    { pageToken: "bm9wZQ" },
  ];
  for (const query of queries) {
    assert.throws(() => page(query), (e) => e instanceof GatewayError && e.status === 400);
  }
});
