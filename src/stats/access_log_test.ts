import assert from "node:assert/strict";
import { AccessLog, formatJson, formatLine } from "./access_log.ts";
import type { RequestRecord } from "./record.ts";

const RECORD: RequestRecord = {
  time: Date.parse("2026-11-22T10:00:00.000Z"),
  requestId: "req-1",
  key: "alice",
  endpoint: "chat",
  channel: "openai",
  model: "gpt-4o",
  status: 200,
  attempts: 1,
  stream: false,
  protocol: "http",
  usage: { prompt: 12, completion: 34 },
  latencyMs: 512.4,
};

const FORGED = "x\n2026-01-01T00:00:00.000Z 200 chat forged";

Deno.test("formatLine() writes the documented text line", () => {
  assert.equal(
    formatLine(RECORD),
    "2026-11-22T10:00:00.000Z 200 chat openai gpt-4o key=alice attempts=1 tokens=12+34 512ms id=req-1",
  );
});

Deno.test("formatLine() keeps a hostile model name in one field of one line", () => {
  const line = formatLine({ ...RECORD, model: FORGED, status: 404, channel: undefined });
  assert.equal(line.split("\n").length, 1);
  assert.match(line, / 404 chat - "x\\n2026-01-01T00:00:00\.000Z 200 chat forged" key=alice /);
});

Deno.test("formatLine() escapes ANSI and field forgery in every client-controlled field", () => {
  const line = formatLine({
    ...RECORD,
    channel: "evil\x1b[2J",
    model: "m key=admin",
    error: 'Unknown model "\x1b[31m"\u2028',
  });
  assert.ok(!line.includes("\x1b") && !line.includes("\u2028"), line);
  assert.match(line, / "evil\\u001b\[2J" "m key=admin" key=alice /);
  assert.match(line, /error="Unknown model \\"\\u001b\[31m\\"\\u2028"$/);
});

Deno.test("formatJson() writes one JSON line with the text line's fields", () => {
  const line = formatJson({ ...RECORD, model: FORGED, stream: true, ttfbMs: 40.2 });
  assert.equal(line.split("\n").length, 1);
  assert.deepEqual(JSON.parse(line), {
    time: "2026-11-22T10:00:00.000Z",
    status: 200,
    endpoint: "chat",
    stream: true,
    channel: "openai",
    model: FORGED,
    key: "alice",
    attempts: 1,
    prompt_tokens: 12,
    completion_tokens: 34,
    latency_ms: 512,
    ttfb_ms: 40,
    id: "req-1",
  });
});

Deno.test("AccessLog batches lines in the configured format and writes them on flush", () => {
  const writes: string[] = [];
  let format: "text" | "json" = "text";
  const log = new AccessLog({
    write: (t) => writes.push(t),
    format: () => format,
    flushMs: 60_000,
  });
  log.record({ ...RECORD, model: FORGED });
  format = "json";
  log.record(RECORD);
  assert.equal(writes.length, 0);
  log.flush();
  assert.equal(writes.length, 1);
  const lines = writes[0].split("\n");
  assert.equal(lines.length, 3); // two records and the final newline
  assert.match(lines[0], /^2026-11-22T10:00:00\.000Z 200 chat openai "x\\n/);
  assert.equal(JSON.parse(lines[1]).model, "gpt-4o");
  assert.equal(lines[2], "");
});
