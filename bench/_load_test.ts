import assert from "node:assert/strict";
import { median, parseHey, parseWrk, percentile } from "./_load.ts";

Deno.test("parseWrk() reads throughput, latency percentiles and errors", () => {
  const result = parseWrk(`Running 5s test @ http://127.0.0.1:9210/v1/chat/completions
  1 threads and 1 connections
  Latency Distribution
     50%  647.00us
     75%    1.02ms
     90%    2.50ms
     99%   29.24ms
  6516 requests in 5.00s, 3.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1303.12
Transfer/sec:    635.02KB
`);
  assert.equal(result.rps, 1303.12);
  assert.equal(result.requests, 6516);
  assert.equal(result.errors, 7);
  assert.equal(result.p50Ms, 0.647);
  assert.equal(result.p99Ms, 29.24);
});

Deno.test("parseWrk() rejects output without a rate", () => {
  assert.throws(() => parseWrk("unable to connect"), /Unexpected wrk output/);
});

Deno.test("parseHey() counts non-2xx answers and transport errors", () => {
  const result = parseHey(`Summary:
  Requests/sec:	14392.6414

Latency distribution:
  50% in 0.0002 secs
  99% in 0.0041 secs

Status code distribution:
  [200]	14401 responses
  [502]	3 responses

Error distribution:
  [12]	Post "http://127.0.0.1:9210": dial tcp: connection refused
`);
  assert.equal(result.rps, 14392.6414);
  assert.equal(result.requests, 14404);
  assert.equal(result.errors, 15);
  assert.equal(result.p50Ms, 0.2);
  assert.equal(result.p99Ms, 4.1);
});

Deno.test("percentile() and median() use every sample", () => {
  assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99), 10);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
