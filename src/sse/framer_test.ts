import assert from "node:assert/strict";
import { EventTooLargeError, SseFramer } from "./framer.ts";
import { parseEvent } from "./parse.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Frames `parts` (pushed one by one) and returns each event as text. */
function frame(parts: string[], max = 1024): string[] {
  const framer = new SseFramer(max);
  const out: string[] = [];
  for (const part of parts) {
    for (const event of framer.push(encoder.encode(part))) out.push(decoder.decode(event));
  }
  for (const event of framer.end()) out.push(decoder.decode(event));
  return out;
}

Deno.test("SseFramer.push() yields each event with its own bytes, terminator included", () => {
  assert.deepEqual(frame(["data: a\n\ndata: b\n\n"]), ["data: a\n\n", "data: b\n\n"]);
  assert.deepEqual(frame(["event: x\ndata: 1\ndata: 2\n\n"]), ["event: x\ndata: 1\ndata: 2\n\n"]);
});

Deno.test("SseFramer.push() joins events split anywhere across chunks", () => {
  const text = 'data: {"a":1}\n\nevent: e\ndata: two\n\n';
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(frame([text.slice(0, cut), text.slice(cut)]), [
      'data: {"a":1}\n\n',
      "event: e\ndata: two\n\n",
    ], `cut at ${cut}`);
  }
  assert.deepEqual(frame([...text]), ['data: {"a":1}\n\n', "event: e\ndata: two\n\n"]);
});

Deno.test("SseFramer.push() accepts CRLF and CR line ends, even split between chunks", () => {
  assert.deepEqual(frame(["data: a\r\n\r\ndata: b\r\n\r\n"]), [
    "data: a\r\n\r\n",
    "data: b\r\n\r\n",
  ]);
  assert.deepEqual(frame(["data: a\r", "\n\r", "\ndata: b\r\r"]), ["data: a\r\n\r", "data: b\r\r"]);
  assert.deepEqual(frame(["data: a\r\rdata: b\n\n"]), ["data: a\r\r", "data: b\n\n"]);
});

Deno.test("SseFramer skips stray blank lines and drops an unfinished event at the end", () => {
  assert.deepEqual(frame(["\n\n\ndata: a\n\n\n\ndata: half"]), ["data: a\n\n"]);
});

Deno.test("SseFramer.push() throws past maxEventBytes, whether or not a newline ever comes", () => {
  const framer = new SseFramer(1000);
  assert.deepEqual(framer.push(encoder.encode("data: " + "x".repeat(900))), []);
  assert.throws(() => framer.push(encoder.encode("x".repeat(200))), EventTooLargeError);
  const lines = new SseFramer(1000);
  assert.throws(
    () => {
      for (let i = 0; i < 100; i++) lines.push(encoder.encode("data: xxxxxxxxxx\n"));
    },
    EventTooLargeError,
  );
});

Deno.test("SseFramer.push() scans a long line in small chunks in linear time", () => {
  const framer = new SseFramer(8 * 1024 * 1024);
  const piece = encoder.encode("x".repeat(64));
  const started = performance.now();
  for (let i = 0; i < 60_000; i++) framer.push(piece);
  const [event] = framer.push(encoder.encode("\n\n"));
  assert.equal(event.byteLength, 60_000 * 64 + 2);
  // Quadratic rescanning would take minutes here; linear takes milliseconds.
  assert.ok(performance.now() - started < 20_000);
});

Deno.test("parseEvent() reads fields by the spec's rules", () => {
  const parse = (text: string) => parseEvent(encoder.encode(text));
  assert.deepEqual(parse("event: ping\nid: 7\ndata: a\ndata:b\n\n"), {
    event: "ping",
    id: "7",
    data: "a\nb",
  });
  assert.deepEqual(parse("data:  two spaces\r\n\r\n"), { data: " two spaces" });
  assert.equal(parse(": keep-alive\n\n"), undefined);
  assert.deepEqual(parse("data\n\n"), { data: "" });
});
