import assert from "node:assert/strict";
import { asJsonArrayResponse, jsonArrayStream } from "./json_array_stream.ts";

const bytes = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

Deno.test("jsonArrayStream() reframes events as the elements of one JSON array", async () => {
  const text = await new Response(
    jsonArrayStream(bytes('data: {"a":1}\r\n\r\n: comment\n\nda', 'ta: {"b":2}\n\n'), 1024),
  ).text();
  assert.equal(text, '[{"a":1}\n,\r\n{"b":2}\n]');
  assert.deepEqual(JSON.parse(text), [{ a: 1 }, { b: 2 }]);
  assert.equal(await new Response(jsonArrayStream(bytes(""), 1024)).text(), "[]");
});

Deno.test("jsonArrayStream() refuses an event past the limit instead of holding it", async () => {
  await assert.rejects(
    new Response(jsonArrayStream(bytes(`data: ${"x".repeat(100)}`), 32)).text(),
  );
});

Deno.test("asJsonArrayResponse() leaves a JSON error response alone", async () => {
  const error = Response.json({ error: { code: 404 } }, { status: 404 });
  const same = asJsonArrayResponse(error, 1024);
  assert.equal(same.status, 404);
  assert.deepEqual(await same.json(), { error: { code: 404 } });
  const sse = new Response('data: {"a":1}\n\n', {
    headers: { "content-type": "text/event-stream; charset=utf-8", "x-sluice-channel": "c" },
  });
  const array = asJsonArrayResponse(sse, 1024);
  assert.equal(array.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(array.headers.get("x-sluice-channel"), "c");
  assert.deepEqual(await array.json(), [{ a: 1 }]);
});
