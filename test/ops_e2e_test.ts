/**
 * Operations, through `main.ts` as a subprocess: graceful shutdown on SIGTERM, surviving file
 * descriptor exhaustion, and a reload that would open a keyed gateway being refused.
 */
import assert from "node:assert/strict";
import { startUpstream, type Upstream } from "./_harness.ts";
import { freePort, get, type MainProcess, ROOT, startMain, until } from "./ops_process.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An OpenAI-compatible upstream that answers after `delayMs`, streaming chunks over that time. */
function slowUpstream(delayMs: number): Upstream {
  return startUpstream(async (_request, body) => {
    if (JSON.parse(body).stream) {
      const encoder = new TextEncoder();
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await sleep(delayMs / 5);
          if (sent++ < 5) {
            const chunk = {
              id: "c",
              object: "chat.completion.chunk",
              created: 1,
              model: "m",
              choices: [{ index: 0, delta: { content: `${sent} ` }, finish_reason: null }],
            };
            controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
          } else {
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
          }
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream" } });
    }
    await sleep(delayMs);
    return Response.json({
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [{
        index: 0,
        message: { role: "assistant", content: "slow answer" },
        finish_reason: "stop",
      }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
  });
}

async function configFile(text: string): Promise<{ path: string; dir: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/gateway.yaml`;
  await Deno.writeTextFile(path, text);
  return { path, dir };
}

/** A chat request's status and body, read to the end; status 0 when it failed. */
function chat(gw: MainProcess, stream = false): Promise<{ status: number; body: string }> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ model: "m", stream, messages: [{ role: "user", content: "hi" }] }),
    signal: AbortSignal.timeout(15_000),
  }).then(
    async (res) => ({ status: res.status, body: await res.text() }),
    (error) => ({ status: 0, body: String(error) }),
  ).catch((error) => ({ status: 0, body: String(error) }));
}

/** Waits for the exit; fails if it takes longer than `ms`. */
async function exitWithin(gw: MainProcess, ms: number): Promise<{ code: number; ms: number }> {
  const started = performance.now();
  const status = await Promise.race([gw.process.status, sleep(ms).then(() => undefined)]);
  assert.ok(status, `still running ${ms} ms after the signal:\n${gw.stderr()}`);
  return { code: status.code, ms: performance.now() - started };
}

Deno.test("ops: SIGTERM lets a request and a stream in flight finish, refuses new connections, exits 0", async () => {
  const upstream = slowUpstream(1_000);
  const { path, dir } = await configFile(`
server: { shutdown_grace: 5s }
channels:
  - { name: slow, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
`);
  const gw = await startMain({ args: ["--config", path] });
  try {
    const answer = chat(gw);
    const stream = chat(gw, true);
    await sleep(300);
    gw.process.kill("SIGTERM");
    await gw.waitFor(/shutting down \(SIGTERM\): 2 in flight/);
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: gw.port }));

    const res = await answer;
    assert.equal(res.status, 200, res.body);
    assert.equal(JSON.parse(res.body).choices[0].message.content, "slow answer");
    const events = await stream;
    assert.equal(events.status, 200, events.body);
    assert.match(events.body, /"content":"5 "/);
    assert.match(events.body, /data: \[DONE\]/);

    const { code, ms } = await exitWithin(gw, 5_000);
    assert.equal(code, 0);
    assert.ok(ms < 4_000, `exit took ${ms} ms`);
    assert.match(gw.stderr(), /INFO shut down: every request finished in \d+ ms/);
    // The access log's last lines are flushed before the exit.
    assert.match(gw.stdout(), / 200 chat slow m /);
    assert.match(gw.stdout(), / 200 chat~stream slow m /);
  } finally {
    await gw.kill();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ops: a request that outlives server.shutdown_grace is cut and the process exits 0 at the grace", async () => {
  const upstream = slowUpstream(8_000);
  const { path, dir } = await configFile(`
server: { shutdown_grace: 1s }
channels:
  - { name: slow, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
`);
  const gw = await startMain({ args: ["--config", path] });
  try {
    const answer = chat(gw);
    await sleep(300);
    gw.process.kill("SIGTERM");
    const { code, ms } = await exitWithin(gw, 4_000);
    assert.equal(code, 0);
    assert.ok(ms >= 900 && ms < 3_000, `exit after ${ms} ms, not at the 1 s grace`);
    assert.notEqual((await answer).status, 200);
    assert.match(gw.stderr(), /WARN shut down: grace of 1000 ms over, cutting 1 in flight/);
  } finally {
    await gw.kill();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ops: ~1,100 idle and half-sent connections under ulimit -n 1024 do not kill the process", async () => {
  const gw = await startMain({ nofile: 1024, args: ["--config", "config/gateway.yaml"] });
  try {
    // The flood runs in its own process, whose limit is raised so it can outnumber the gateway.
    const flood = await new Deno.Command("bash", {
      args: [
        "-c",
        'ulimit -n 4096 || ulimit -n "$(ulimit -Hn)"; exec "$@"',
        "bash",
        Deno.execPath(),
        "eval",
        `
        const conns = [];
        const head = new TextEncoder().encode("POST /v1/chat/completions HTTP/1.1\\r\\nHost: x\\r\\n");
        for (let i = 0; i < 1100; i++) {
          try {
            const conn = await Deno.connect({ hostname: "127.0.0.1", port: ${gw.port} });
            if (i % 2) await conn.write(head);
            conns.push(conn);
          } catch { /* refused while the gateway sheds load */ }
        }
        await new Promise((r) => setTimeout(r, 500));
        for (const conn of conns) try { conn.close(); } catch { /* reset */ }
        console.log(conns.length);
      `,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
    assert.equal(flood.code, 0, new TextDecoder().decode(flood.stderr));
    assert.ok(Number(new TextDecoder().decode(flood.stdout)) > 900, "the flood did not connect");

    await until(async () => (await get(`${gw.url}/health`)) === 200, "/health after the flood");
    assert.equal(
      await Promise.race([gw.process.status, sleep(0).then(() => "running")]),
      "running",
    );
    // The limit was really reached, and said once, not once per connection.
    assert.equal(gw.stderr().split("Too many open files").length, 2, gw.stderr());
    assert.match(gw.stderr(), /WARN Accept loop failed on 127\.0\.0\.1:\d+ \(Too many open files/);
  } finally {
    await gw.kill();
  }
});

Deno.test("ops: truncating the config file does not open a keyed gateway", async () => {
  const { path, dir } = await configFile(`
channels:
  - { name: echo, plugin: echo, models: [m], options: { models: [m] } }
keys:
  - { name: alice, key: sk-alice-0123456789 }
`);
  const gw = await startMain({ args: ["--config", path] });
  try {
    assert.equal(await get(`${gw.url}/v1/models`), 401);
    await Deno.writeTextFile(path, "");
    await gw.waitFor(/refused, keeping the running config/);
    assert.match(
      gw.stderr(),
      /WARN Reload \(file changed\) of .*gateway\.yaml refused, keeping the running config: it has no usable gateway key \(the running config has 1 key\), which would open the gateway; to run without keys, restart; it has no usable channel/,
    );
    assert.equal(await get(`${gw.url}/v1/models`), 401);
    assert.equal(
      await get(`${gw.url}/v1/models`, { authorization: "Bearer sk-alice-0123456789" }),
      200,
    );
  } finally {
    await gw.kill();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ops: deno serve --parallel (serve.ts) drains on SIGTERM and SIGINT, then exits 0", async () => {
  const upstream = slowUpstream(1_000);
  const { path, dir } = await configFile(`
server: { shutdown_grace: 5s }
channels:
  - { name: slow, plugin: openai, base_url: "${upstream.url}", keys: [k], models: [m] }
`);
  // The flags of `deno task start:parallel`, on a free port, two workers.
  const { tasks } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const words = (tasks["start:parallel"] as string).split(/\s+/).slice(1);
  try {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const port = freePort();
      words[words.indexOf("--port") + 1] = String(port);
      const process = new Deno.Command(Deno.execPath(), {
        args: [...words, "--config", path],
        cwd: ROOT,
        env: { DENO_JOBS: "2", NO_COLOR: "1" },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        const gw = { url: `http://127.0.0.1:${port}` } as MainProcess;
        await until(async () => (await get(`${gw.url}/health`)) === 200, "deno serve to listen");
        const answer = chat(gw);
        await sleep(300);
        process.kill(signal);
        await sleep(100);
        await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }), signal);
        assert.equal((await answer).status, 200, signal);
        const started = performance.now();
        const status = await Promise.race([process.status, sleep(4_000).then(() => undefined)]);
        assert.equal(status?.code, 0, `${signal}: not stopped within 4 s of the last request`);
        assert.ok(performance.now() - started < 2_000, `${signal}: exit waited for the grace`);
      } finally {
        try {
          process.kill("SIGKILL");
        } catch { /* already gone */ }
        await process.status;
      }
    }
  } finally {
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});
