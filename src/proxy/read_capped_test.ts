import assert from "node:assert/strict";
import { readCapped, readCappedText, TooLargeError } from "./read_capped.ts";

const streamed = (parts: string[]) =>
  new Response(
    new ReadableStream({
      start(c) {
        for (const p of parts) c.enqueue(new TextEncoder().encode(p));
        c.close();
      },
    }),
  );

Deno.test("readCapped() reads declared and streamed bodies within the limit", async () => {
  assert.equal(new TextDecoder().decode(await readCapped(new Response("hello"), 5)), "hello");
  assert.equal(new TextDecoder().decode(await readCapped(streamed(["he", "llo"]), 5)), "hello");
  assert.equal((await readCapped(new Response(null), 5)).byteLength, 0);
});

Deno.test("readCapped() refuses a body over the limit, declared or not", async () => {
  await assert.rejects(() => readCapped(new Response("toolong"), 5), TooLargeError);
  await assert.rejects(() => readCapped(streamed(["abc", "def"]), 5), TooLargeError);
  const request = new Request("http://x/", {
    method: "POST",
    body: "123456",
    headers: { "content-length": "6" },
  });
  await assert.rejects(() => readCapped(request, 5), TooLargeError);
});

Deno.test("readCappedText() reads text within the limit and refuses more", async () => {
  assert.equal(await readCappedText(new Response("héllo"), 10), "héllo");
  const request = new Request("http://x/", {
    method: "POST",
    body: "123456",
    headers: { "content-length": "6" },
  });
  await assert.rejects(() => readCappedText(request, 5), TooLargeError);
});
