import assert from "node:assert/strict";
import { CallAbort } from "./call_abort.ts";

Deno.test("CallAbort follows the client signal", () => {
  const client = new AbortController();
  const call = new CallAbort(client.signal);
  client.abort(new Error("gone"));
  assert.equal(call.signal.aborted, true);
  assert.equal((call.signal.reason as Error).message, "gone");
});

Deno.test("CallAbort aborts with a TimeoutError at its deadline", async () => {
  const call = new CallAbort(new AbortController().signal);
  call.deadline(5, "First byte");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal((call.signal.reason as DOMException).name, "TimeoutError");
  assert.match((call.signal.reason as DOMException).message, /First byte timed out/);
});

Deno.test("CallAbort.done() clears the deadline and stops following the client", async () => {
  const client = new AbortController();
  const call = new CallAbort(client.signal);
  call.deadline(5, "x");
  call.done();
  client.abort();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(call.signal.aborted, false);
});
