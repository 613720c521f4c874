/**
 * `main.ts` as users run it: a subprocess on a real config file, reloaded by editing the file,
 * by POST /admin/reload and by SIGHUP; a bad file never replaces a good running config.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

interface Running {
  url: string;
  logs: () => string;
  stop(): Promise<void>;
  process: Deno.ChildProcess;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function startMain(
  configPath: string,
  env: Record<string, string> = {},
  readPermission = ["--allow-read"],
): Promise<Running> {
  const port = freePort();
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-no-legacy-abort",
      "--allow-net",
      "--allow-env",
      ...readPermission,
      "--allow-write=data",
      "--allow-sys",
      "main.ts",
      "--config",
      configPath,
    ],
    cwd: root,
    env: { ...env, PORT: String(port), NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let logs = "";
  const decoder = new TextDecoder();
  const pump = process.stderr.pipeTo(
    new WritableStream({ write: (chunk) => void (logs += decoder.decode(chunk)) }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (logs.includes("listening on")) break;
    const status = await Promise.race([process.status, new Promise((r) => setTimeout(r, 100))]);
    if (status) break;
  }
  return {
    url,
    logs: () => logs,
    process,
    async stop() {
      try {
        process.kill("SIGTERM");
      } catch { /* already gone */ }
      await process.status;
      await pump.catch(() => {});
    },
  };
}

async function models(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v1/models`);
  const body = await res.json();
  return body.data.map((m: { id: string }) => m.id).filter((id: string) => !id.includes("/"))
    .sort();
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 8_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`Timed out waiting for ${what}`);
}

const config = (models: string[]) => `
admin:
  key: admin-secret
channels:
  - name: echo
    plugin: echo
    models: [${models.join(", ")}]
    options: { models: [${models.join(", ")}] }
`;

Deno.test("main: hot reload on file change, admin reload and SIGHUP; bad files are refused", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/gateway.yaml`;
  await Deno.writeTextFile(path, config(["a"]));
  const gw = await startMain(path);
  try {
    assert.match(gw.logs(), /no gateway keys configured: open to loopback clients only/);
    assert.deepEqual(await models(gw.url), ["a"]);

    // 1. Editing the file reloads it.
    await Deno.writeTextFile(path, config(["a", "b"]));
    await until(async () => (await models(gw.url)).length === 2, "file-change reload");

    // 2. A bad file keeps the running config and says why, naming file, line and field.
    await Deno.writeTextFile(
      path,
      config(["a", "b"]).replace("plugin: echo", "plugin: echo\n    weight: heavy"),
    );
    await until(() => gw.logs().includes("failed, keeping the running config"), "refused reload");
    assert.match(gw.logs(), /gateway\.yaml:\d+:\d+: channels\[0\]\.weight: /);
    assert.deepEqual(await models(gw.url), ["a", "b"]);

    // 3. POST /admin/reload: refused with the reason, then accepted once the file is fixed.
    const denied = await fetch(`${gw.url}/admin/reload`, { method: "POST" });
    assert.equal(denied.status, 401);
    await denied.body?.cancel();
    const refused = await fetch(`${gw.url}/admin/reload`, {
      method: "POST",
      headers: { authorization: "Bearer admin-secret" },
    });
    assert.equal(refused.status, 422);
    assert.match((await refused.json()).message, /channels\[0\]\.weight/);
    await Deno.writeTextFile(path, config(["c"]));
    const accepted = await fetch(`${gw.url}/admin/reload`, {
      method: "POST",
      headers: { authorization: "Bearer admin-secret" },
    });
    assert.equal(accepted.status, 200);
    assert.equal((await accepted.json()).ok, true);
    assert.deepEqual(await models(gw.url), ["c"]);

    // 4. SIGHUP reloads too.
    const before = gw.logs().split("SIGHUP").length;
    await Deno.writeTextFile(path, config(["d"]));
    gw.process.kill("SIGHUP");
    await until(() => gw.logs().split("SIGHUP").length > before, "SIGHUP reload");
    await until(async () => (await models(gw.url)).includes("d"), "models after SIGHUP");
  } finally {
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main: an invalid config at start exits with the file and the reason", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/gateway.yaml`;
  await Deno.writeTextFile(path, "server:\n  port: 1\n  colour: blue\n");
  const gw = await startMain(path);
  try {
    const status = await gw.process.status;
    assert.equal(status.code, 1);
    assert.match(gw.logs(), new RegExp(`${path}:3:3: unknown field server\\.colour`));
  } finally {
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main: the shipped config starts with no secrets and serves echo", async () => {
  const gw = await startMain("config/gateway.yaml");
  try {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "ping" }] }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).choices[0].message.content, "echo: ping");
    assert.match(gw.logs(), /Channel "openai" skipped: OPENAI_API_KEY is not set/);
    // One warning per skipped channel, not one per reload or request.
    assert.equal(gw.logs().split('Channel "openai" skipped').length, 2);
  } finally {
    await gw.stop();
  }
});

Deno.test("main: without access to plugins/ it uses the static registry and does not watch", async () => {
  const gw = await startMain("config/gateway.yaml", { SLUICE_KV: ":memory:" }, [
    "--allow-read=config",
  ]);
  try {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "registry" }] }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).choices[0].message.content, "echo: registry");
    assert.match(gw.logs(), /using the static registry plugins\/mod\.ts/);
    assert.match(gw.logs(), /Not watching .*plugins/);
  } finally {
    await gw.stop();
  }
});

Deno.test("serve.ts: deno serve --parallel runs the gateway on one port", async () => {
  const port = freePort();
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--parallel",
      "--unstable-no-legacy-abort",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write=data",
      "--allow-sys",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "serve.ts",
    ],
    cwd: root,
    env: { DENO_JOBS: "2", NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await until(async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        await res.body?.cancel();
        return res.ok;
      } catch {
        return false;
      }
    }, "deno serve to listen");
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "parallel" }] }),
    });
    assert.equal((await res.json()).choices[0].message.content, "echo: parallel");
  } finally {
    // `deno serve --parallel` (Deno 2.9) did not stop on SIGTERM, nor on SIGINT sent to it as a
    // child process, in this test; teardown kills it.
    process.kill("SIGKILL");
    await process.status;
  }
});
