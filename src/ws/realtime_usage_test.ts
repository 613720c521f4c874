import assert from "node:assert/strict";
import { RealtimeUsage } from "./realtime_usage.ts";

const done = (usage: unknown) => JSON.stringify({ type: "response.done", response: { usage } });

Deno.test("RealtimeUsage adds up response.done usage and ignores everything else", () => {
  const usage = new RealtimeUsage();
  assert.equal(usage.total, undefined);
  usage.add(
    done({ input_tokens: 10, output_tokens: 4, input_token_details: { cached_tokens: 2 } }),
  );
  usage.add(done({ input_tokens: 5, output_tokens: 1 }));
  usage.add(JSON.stringify({ type: "response.audio.delta", delta: "response.done" }));
  usage.add('{"type":"response.done", broken');
  usage.add(done(null));
  usage.add(done({ input_tokens: -3, output_tokens: "7" }));
  usage.add("[".repeat(500) + '"response.done"' + "]".repeat(500));
  assert.deepEqual(usage.total, { prompt: 15, completion: 5, cached: 2 });
});
