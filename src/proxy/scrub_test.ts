import assert from "node:assert/strict";
import { REDACTED, scrubberFor, scrubHeaders } from "./scrub.ts";

Deno.test("scrubberFor() removes every secret, also JSON- and URL-encoded", () => {
  const scrub = scrubberFor(['sk-live/abc"def+123', "sk-second-key-000", undefined, "short"]);
  const text = `got sk-live/abc"def+123 and ${JSON.stringify('sk-live/abc"def+123')} and ` +
    `key=${encodeURIComponent('sk-live/abc"def+123')} and sk-second-key-000 but short stays`;
  const out = scrub(text);
  assert.ok(!out.includes("sk-live"), out);
  assert.ok(!out.includes("sk-second"), out);
  assert.ok(out.includes("short stays"));
  assert.equal(out.split(REDACTED).length - 1, 4);
});

Deno.test("scrubberFor() returns text without secrets unchanged and tells whether one is there", () => {
  const scrub = scrubberFor(["sk-secret-1234"]);
  const text = "nothing to see";
  assert.equal(scrub(text), text);
  assert.equal(scrub.test(text), false);
  assert.equal(scrub.test("x sk-secret-1234"), true);
});

Deno.test("scrubHeaders() scrubs values in place", () => {
  const headers = { "x-debug": "Bearer sk-secret-1234", "content-type": "application/json" };
  scrubHeaders(headers, scrubberFor(["sk-secret-1234"]));
  assert.deepEqual(headers, {
    "x-debug": `Bearer ${REDACTED}`,
    "content-type": "application/json",
  });
});
