import assert from "node:assert/strict";
import type { RequestRecord } from "../stats/record.ts";
import { METRICS, type Row, UsageBatch } from "./batch.ts";

const T0 = Date.parse("2026-12-02T10:00:30Z");
const record = (fields: Partial<RequestRecord> = {}): RequestRecord => ({
  time: T0,
  requestId: crypto.randomUUID(),
  key: "alice",
  endpoint: "chat",
  channel: "openai",
  model: "gpt-4o",
  status: 200,
  attempts: 1,
  stream: false,
  protocol: "http",
  usage: { prompt: 10, completion: 2 },
  latencyMs: 7,
  ...fields,
});

const value = (rows: Row[], find: Partial<Row>, metric: (typeof METRICS)[number]) => {
  const row = rows.find((r) => Object.entries(find).every(([k, v]) => r[k as keyof Row] === v));
  return row?.values[METRICS.indexOf(metric)];
};

Deno.test("UsageBatch: requests in two minutes of one hour make two minute rows and one hour row", () => {
  const batch = new UsageBatch();
  batch.add(record());
  batch.add(record({ time: T0 + 60_000, key: "bob" }));
  batch.add(record({ channel: undefined, model: "typo", status: 404, usage: undefined }));
  const rows = batch.drain();
  const hour = Date.parse("2026-12-02T10:00:00Z");
  assert.equal(value(rows, { granularity: "hour", dimension: "all", bucket: hour }, "requests"), 3);
  assert.equal(
    value(rows, { granularity: "minute", dimension: "all", bucket: hour }, "requests"),
    2,
  );
  assert.equal(
    value(rows, { granularity: "day", dimension: "channel", id: "openai" }, "prompt_tokens"),
    20,
  );
  assert.equal(
    value(rows, { granularity: "day", dimension: "route", id: "openai/gpt-4o" }, "requests"),
    2,
  );
  assert.equal(value(rows, { granularity: "day", dimension: "key", id: "alice" }, "errors"), 1);
  // An unresolved model never makes a row of its own.
  assert.equal(rows.some((r) => r.id === "typo"), false);
  assert.equal(value(rows, { granularity: "day", dimension: "all" }, "latency_le_10"), 3);
  assert.equal(batch.drain().length, 0, "drained: empty again");
});

Deno.test("UsageBatch: rows put back after a failed flush add to what came since", () => {
  const batch = new UsageBatch();
  batch.add(record());
  const failed = batch.drain();
  batch.add(record());
  for (const row of failed) batch.merge(row);
  const rows = batch.drain();
  assert.equal(rows.length, failed.length);
  assert.equal(
    value(rows, { granularity: "minute", dimension: "model", id: "gpt-4o" }, "requests"),
    2,
  );
});
