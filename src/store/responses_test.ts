import assert from "node:assert/strict";
import { responseKeys } from "./keys.ts";
import {
  findResponse,
  forgetResponse,
  loadConversation,
  MAX_CONVERSATION_BYTES,
  rememberConversation,
  rememberNative,
} from "./responses.ts";

const META = { key: "alice", channel: "deepseek", model: "m", createdAt: 1 };

async function withKv(run: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await run(kv);
  } finally {
    kv.close();
  }
}

/** A conversation whose JSON is about `bytes` long, with non-Latin text so chunking splits UTF-8. */
function conversation(id: string, bytes: number) {
  const text = "é中".repeat(Math.ceil(bytes / 5));
  return {
    input: [{
      id: "msg_1",
      type: "message",
      role: "user",
      content: [{ type: "input_text", text }],
    }],
    response: { id, output: [{ id: "msg_2", type: "message", content: [] }], status: "completed" },
  };
}

async function partCount(kv: Deno.Kv, id: string): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: responseKeys.parts(id) })) n++;
  return n;
}

Deno.test("rememberConversation() stores a conversation over many 64 KiB values and reads it back", async () => {
  await withKv(async (kv) => {
    const stored = conversation("resp_big", 900_000);
    assert.equal(await rememberConversation(kv, META, stored), true);
    const record = await findResponse(kv, "resp_big", "alice");
    assert.equal(record?.kind, "emulated");
    assert.ok(record!.parts > 10, `${record!.parts} parts`);
    assert.equal(await partCount(kv, "resp_big"), record!.parts);
    assert.deepEqual(await loadConversation(kv, "resp_big", record!), stored);
  });
});

Deno.test("findResponse() hides a response from every other gateway key", async () => {
  await withKv(async (kv) => {
    await rememberNative(kv, "resp_native", { ...META, channel: "openai" });
    assert.equal((await findResponse(kv, "resp_native", "alice"))?.channel, "openai");
    assert.equal(await findResponse(kv, "resp_native", "bob"), undefined);
    assert.equal(await findResponse(kv, "resp_unknown", "alice"), undefined);
  });
});

Deno.test("forgetResponse() removes the record and every part", async () => {
  await withKv(async (kv) => {
    await rememberConversation(kv, META, conversation("resp_gone", 200_000));
    await forgetResponse(kv, "resp_gone");
    assert.equal(await findResponse(kv, "resp_gone", "alice"), undefined);
    assert.equal(await partCount(kv, "resp_gone"), 0);
  });
});

Deno.test("loadConversation() gives nothing when a part is missing, and too large is not stored", async () => {
  await withKv(async (kv) => {
    await rememberConversation(kv, META, conversation("resp_cut", 200_000));
    await kv.delete(responseKeys.part("resp_cut", 1));
    const record = await findResponse(kv, "resp_cut", "alice");
    assert.equal(await loadConversation(kv, "resp_cut", record!), undefined);

    const huge = conversation("resp_huge", MAX_CONVERSATION_BYTES + 10);
    assert.equal(await rememberConversation(kv, META, huge), false);
    assert.equal(await findResponse(kv, "resp_huge", "alice"), undefined);
    assert.equal(await partCount(kv, "resp_huge"), 0);
  });
});
