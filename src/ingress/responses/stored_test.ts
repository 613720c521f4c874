import assert from "node:assert/strict";
import { fixtureJson } from "../../../test/fixtures/responses/_load.ts";
import { GatewayError } from "../../errors.ts";
import { page } from "./stored.ts";

const items = ["a", "b", "c", "d"].map((id) => ({ id, type: "message" }));
const ids = (query: string) => page(items, new URLSearchParams(query)).data.map((i) => i.id);

Deno.test("page() lists input items as OpenAI does (input_items_list.json)", () => {
  const listed = page(items, new URLSearchParams());
  assert.deepEqual(
    Object.keys(listed).sort(),
    Object.keys(fixtureJson("input_items_list.json")).sort(),
  );
  assert.deepEqual(listed.data.map((i) => i.id), ["d", "c", "b", "a"]);
  assert.equal(listed.first_id, "d");
  assert.equal(listed.last_id, "a");
  assert.equal(listed.has_more, false);
});

Deno.test("page() honours order, limit and after", () => {
  assert.deepEqual(ids("order=asc&limit=2"), ["a", "b"]);
  assert.equal(page(items, new URLSearchParams("limit=2")).has_more, true);
  assert.deepEqual(ids("order=asc&after=b"), ["c", "d"]);
  assert.deepEqual(ids("after=b"), ["a"]);
  assert.deepEqual(page([], new URLSearchParams()).first_id, null);
});

Deno.test("page() refuses a bad order or limit, naming it", () => {
  for (
    const [query, param] of [["order=up", "order"], ["limit=0", "limit"], ["limit=x", "limit"], [
      "limit=101",
      "limit",
    ]]
  ) {
    assert.throws(
      () => page(items, new URLSearchParams(query)),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && e.param === param,
    );
  }
});
