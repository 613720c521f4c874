/**
 * Deploying Sluice, checked here because the platforms are not: the Deno Deploy entry under the
 * permissions Deploy grants (everything but writes, no flags of ours, `plugins/` unreadable so
 * only the static registry can serve), the production module graph holding none of the test
 * SDKs, the image's files installing frozen from the lock file, breakers kept per process on a
 * shared KV, and the container, compose and systemd files holding what operators rely on.
 */
import assert from "node:assert/strict";
import dockerignore from "@balena/dockerignore";
import { validate } from "dockerfile-utils";
import YAML from "yaml";
import { parseConfig } from "../src/config/load.ts";
import { storeLocation } from "../src/store/open.ts";
import { chatCompletion, startUpstream } from "./_harness.ts";
import { freePort, ROOT, startMain, until } from "./ops_process.ts";

const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));
const decoder = new TextDecoder();

/** `deploy.ts` as Deploy runs it: `--allow-all`, minus writes and the plugins folder. */
function startDeploy(env: Record<string, string>) {
  const port = freePort();
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--deny-write",
      `--deny-read=${new URL("plugins/", ROOT).pathname}`,
      "deploy.ts",
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", PORT: String(port), SLUICE_KV: ":memory:", SLUICE_CONFIG: "", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const pump = process.stderr.pipeTo(
    new WritableStream({ write: (chunk) => void (stderr += decoder.decode(chunk)) }),
  );
  return {
    process,
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    async stop() {
      try {
        process.kill("SIGKILL");
      } catch { /* already gone */ }
      await process.status;
      await pump.catch(() => {});
    },
  };
}

Deno.test("deploy.ts: with no writes and no plugins/ folder, config from SLUICE_CONFIG_YAML, it serves echo and drains on SIGINT", async () => {
  const gw = startDeploy({
    SLUICE_CONFIG_YAML: `
keys: [{ name: ops, key: "\${GATEWAY_KEY}" }]
channels: [{ name: echo, plugin: echo, models: [echo] }]
`,
    GATEWAY_KEY: "sk-ops",
  });
  try {
    await until(() => gw.stderr().includes("listening on"), "deploy.ts to listen", 15_000);
    const chat = (stream: boolean) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer sk-ops" },
        body: JSON.stringify({
          model: "echo",
          stream,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
    const answer = await chat(false);
    assert.equal(answer.status, 200, gw.stderr());
    assert.equal((await answer.json()).choices[0].message.content, "echo: hi");
    const streamed = await (await chat(true)).text();
    assert.match(streamed, /"content":" hi"[^]*data: \[DONE\]/);
    const anonymous = await fetch(`${gw.url}/v1/models`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();

    // Deploy stops an instance with SIGINT and kills it 5 s later.
    gw.process.kill("SIGINT");
    const status = await Promise.race([
      gw.process.status,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 6_000)),
    ]);
    assert.equal(status?.code, 0, gw.stderr());
    const log = gw.stderr();
    assert.match(log, /loaded \$SLUICE_CONFIG_YAML: 1 channel, 1 key/);
    assert.match(log, /shutting down \(SIGINT\): 0 in flight, waiting up to 4000 ms/);
    // The registry was used directly: no folder listed, no fallback, nothing denied.
    assert.doesNotMatch(log, /static registry|Cannot list|NotCapable|denied|error/i);
  } finally {
    await gw.stop();
  }
});

Deno.test("deploy.ts: refuses to serve without gateway keys", async () => {
  const gw = startDeploy({
    SLUICE_CONFIG_YAML: "channels: [{ name: echo, plugin: echo, models: [echo] }]",
  });
  try {
    const status = await Promise.race([
      gw.process.status,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000)),
    ]);
    assert.equal(status?.code, 1);
    assert.match(gw.stderr(), /No gateway keys configured: deploy\.ts does not serve open/);
  } finally {
    await gw.stop();
  }
});

Deno.test("storeLocation() on Deno Deploy opens Deploy's own KV unless SLUICE_KV names another", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.deepEqual(storeLocation(env({ DENO_DEPLOYMENT_ID: "abc" })), {
    path: undefined,
    describe: "Deno Deploy's KV",
  });
  assert.equal(
    storeLocation(env({ DENO_DEPLOYMENT_ID: "abc", SLUICE_KV: "https://kv.example/" })).path,
    "https://kv.example/",
  );
});

/** The entries the image installs, from the Dockerfile's own `deno install` line. */
async function imageEntries(): Promise<string[]> {
  const line = (await read("Dockerfile")).match(/deno install --frozen --entrypoint (.+)$/m);
  assert.ok(line, "the Dockerfile installs with --frozen --entrypoint");
  return line[1].trim().split(/\s+/);
}

/** npm package names the module graph of `entries` loads, transitive dependencies included. */
async function npmPackagesOf(entries: string[], cwd: URL): Promise<Set<string>> {
  const names = new Set<string>();
  for (const entry of entries) {
    const { stdout, success } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd,
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.ok(success, `deno info ${entry}`);
    const info = JSON.parse(decoder.decode(stdout)) as {
      modules: { kind?: string; npmPackage?: string }[];
      npmPackages: Record<string, { name: string; dependencies: string[] }>;
    };
    // `npmPackages` lists the lock file's whole snapshot; the graph starts at npm modules.
    const queue = info.modules.flatMap((m) =>
      m.kind === "npm" && m.npmPackage ? [m.npmPackage] : []
    );
    const seen = new Set<string>();
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      names.add(info.npmPackages[id].name);
      queue.push(...info.npmPackages[id].dependencies);
    }
  }
  return names;
}

Deno.test("the production graph (every entry the image installs, and mod.ts) holds no test package", async () => {
  const testImports = Object.keys(JSON.parse(await read("test/deno.json")).imports);
  const prodImports = Object.keys(JSON.parse(await read("deno.json")).imports);
  assert.deepEqual(testImports.filter((name) => prodImports.includes(name)), []);
  const entries = await imageEntries();
  for (const entry of ["main.ts", "serve.ts", "deploy.ts", "plugins/mod.ts"]) {
    assert.ok(entries.includes(entry), `the image installs ${entry}`);
  }
  const graph = await npmPackagesOf([...entries, "mod.ts"], ROOT);
  assert.ok(graph.has("hono") && graph.has("zod"), [...graph].join(", "));
  for (const name of ["openai", "@anthropic-ai/sdk", "@google/genai", "prom2javascript"]) {
    assert.ok(testImports.includes(name), `${name} is declared for tests only`);
  }
  assert.deepEqual(testImports.filter((name) => graph.has(name)), []);
});

/** The files the Dockerfile's COPY lines put in the image, after .dockerignore. */
async function imageFiles(): Promise<string[]> {
  // A CommonJS module whose types declare a default export: `.default` satisfies both.
  const ignored = dockerignore.default().add((await read(".dockerignore")).split("\n"));
  const sources = [...(await read("Dockerfile")).matchAll(/^COPY (.+)$/gm)]
    .flatMap((m) => m[1].trim().split(/\s+/).filter((arg) => !arg.startsWith("--")).slice(0, -1));
  const files: string[] = [];
  const walk = async (path: string) => {
    const info = await Deno.stat(new URL(path, ROOT));
    if (info.isFile) return void files.push(path);
    for await (const entry of Deno.readDir(new URL(path, ROOT))) {
      await walk(`${path.replace(/\/$/, "")}/${entry.name}`);
    }
  };
  for (const source of sources) await walk(source);
  return ignored.filter(files);
}

/** The Dockerfile's install step: its `RUN deno run ... && deno install ...` commands. */
async function imageInstall(): Promise<string[][]> {
  const run = (await read("Dockerfile")).match(/^RUN (deno run --no-config[^]*?[^\\])$/m);
  assert.ok(run, "the Dockerfile prepares the config, then installs");
  return run[1].replaceAll("\\\n", " ").split("&&").map((command) =>
    command.trim().split(/\s+/).slice(1)
  );
}

Deno.test("Docker image: no tests in it, and its install fetches only production packages at their locked versions", async () => {
  const files = await imageFiles();
  assert.ok(files.includes("deploy/healthcheck.ts") && files.includes("plugins/mod.ts"));
  assert.deepEqual(files.filter((f) => /_test\.ts$|^test\/|^bench\/|^data\//.test(f)), []);
  const dir = await Deno.makeTempDir();
  try {
    for (const file of files) {
      await Deno.mkdir(`${dir}/${file}`.replace(/\/[^/]*$/, ""), { recursive: true });
      await Deno.copyFile(new URL(file, ROOT), `${dir}/${file}`);
    }
    // The same commands. The frozen install runs offline (--cached-only would also keep the first
    // one from pruning the lock file, which is what is under test).
    for (const args of await imageInstall()) {
      const command = await new Deno.Command(Deno.execPath(), {
        args: args.includes("--frozen") ? ["install", "--cached-only", ...args.slice(1)] : args,
        cwd: dir,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(command.success, `deno ${args.join(" ")}\n${decoder.decode(command.stderr)}`);
    }
    // Deno fetches a lock file's whole npm snapshot: after the install it holds no test package,
    // and every entry left is the repository's own, unchanged.
    type Lock = {
      specifiers: Record<string, string>;
      npm: Record<string, { integrity: string }>;
      workspace: { members?: unknown };
    };
    const original: Lock = JSON.parse(await read("deno.lock"));
    const image: Lock = JSON.parse(await Deno.readTextFile(`${dir}/deno.lock`));
    const testImports = Object.keys(JSON.parse(await read("test/deno.json")).imports);
    const names = Object.keys(image.npm).map((id) => id.slice(0, id.indexOf("@", 1)));
    assert.deepEqual(names.filter((name) => testImports.includes(name)), []);
    assert.ok(names.includes("hono"), names.join(", "));
    for (const [id, entry] of Object.entries(image.npm)) assert.deepEqual(entry, original.npm[id]);
    for (const [spec, version] of Object.entries(image.specifiers)) {
      assert.equal(version, original.specifiers[spec], spec);
    }
    assert.equal(image.workspace.members, undefined);
    assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/deno.json`)).workspace, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two gateway processes on one KV keep their own breakers", async () => {
  // The primary channel always fails; the backup answers. Breakers open after 2 failures.
  const failing = startUpstream(() => new Response("down", { status: 500 }));
  const backup = startUpstream(() => Response.json(chatCompletion("from backup", "m")));
  const dir = await Deno.makeTempDir();
  const config = `${dir}/gw.yaml`;
  await Deno.writeTextFile(
    config,
    `
log: { requests: false }
defaults: { retry: 0 }
routing: { breaker: { failures: 2, cooldown: 5m } }
channels:
  - { name: flaky, plugin: openai, base_url: "${failing.url}", keys: [k], models: [m], priority: 1 }
  - { name: backup, plugin: openai, base_url: "${backup.url}", keys: [k], models: [m], priority: 2 }
`,
  );
  const store = `data/breaker-test-${crypto.randomUUID()}.kv`;
  const first = await startMain({ args: ["--config", config], env: { SLUICE_KV: store } });
  const second = await startMain({ args: ["--config", config], env: { SLUICE_KV: store } });
  const chat = async (url: string) => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(res.status, 200);
    return res.headers.get("x-sluice-channel");
  };
  const breaker = async (url: string) => {
    const health = await (await fetch(`${url}/health`)).json();
    return health.channels.find((c: { name: string }) => c.name === "flaky").state;
  };
  try {
    assert.equal(await chat(first.url), "backup");
    assert.equal(await chat(first.url), "backup");
    assert.equal(failing.received.length, 2);
    assert.equal(await breaker(first.url), "open");
    assert.equal(await breaker(second.url), "closed");
    // The first process skips the failing channel now; the second still tries it.
    assert.equal(await chat(first.url), "backup");
    assert.equal(failing.received.length, 2);
    assert.equal(await chat(second.url), "backup");
    assert.equal(failing.received.length, 3);
  } finally {
    await first.kill();
    await second.kill();
    await failing.close();
    await backup.close();
    await Deno.remove(dir, { recursive: true });
    for (const suffix of ["", "-shm", "-wal"]) {
      await Deno.remove(new URL(`${store}${suffix}`, ROOT)).catch(() => {});
    }
  }
});

Deno.test("Dockerfile: valid, non-root, data in a volume, health from deploy/healthcheck.ts", async () => {
  const dockerfile = await read("Dockerfile");
  assert.deepEqual(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
  assert.match(dockerfile, /^FROM denoland\/deno:\d+\.\d+\.\d+$/m);
  const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
  assert.equal(users.at(-1), "deno", "the last USER before CMD is not root");
  assert.match(dockerfile, /^VOLUME \["\/app\/data"\]$/m);
  assert.match(dockerfile, /^HEALTHCHECK .*\n\s+CMD \[.*"deploy\/healthcheck\.ts"\]$/m);
  assert.match(dockerfile, /^CMD \["run", "--cached-only", .*"main\.ts"\]$/m);
});

Deno.test("deploy/healthcheck.ts: 0 when /health answers, 1 and the open-mode hint when nothing listens", async () => {
  const gateway = startUpstream(() => Response.json({ status: "ok" }));
  const check = (env: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-env", "--allow-sys=hostname", "deploy/healthcheck.ts"],
      cwd: ROOT,
      env: { NO_COLOR: "1", SLUICE_HEALTH_URL: "", ...env },
      stdout: "null",
      stderr: "piped",
    }).output();
  try {
    assert.equal((await check({ SLUICE_HEALTH_URL: `${gateway.url}/health` })).code, 0);
    const down = await check({ SLUICE_HEALTH_URL: `http://127.0.0.1:${freePort()}/health` });
    assert.equal(down.code, 1);
    assert.match(decoder.decode(down.stderr), /configure keys/);
  } finally {
    await gateway.close();
  }
});

Deno.test("docker-compose.yml: data volume, config folder, env file, health check, restart, nofile", async () => {
  const compose = YAML.parse(await read("docker-compose.yml"));
  const sluice = compose.services.sluice;
  assert.ok(sluice.volumes.includes("sluice-data:/app/data"));
  assert.ok("sluice-data" in compose.volumes);
  // The folder, so a save that renames a new file over the old one is seen by the watcher.
  assert.ok(sluice.volumes.includes("./deploy/config:/app/config:ro"));
  assert.equal(sluice.environment.SLUICE_CONFIG, "/app/config/gateway.yaml");
  assert.deepEqual(sluice.env_file, ["deploy/sluice.env"]);
  assert.ok(sluice.healthcheck.test.includes("deploy/healthcheck.ts"));
  assert.equal(sluice.restart, "unless-stopped");
  assert.ok(sluice.ulimits.nofile.soft >= 65536 && sluice.ulimits.nofile.hard >= 65536);
  assert.ok(parseInt(sluice.stop_grace_period) > 10, "longer than the default shutdown_grace");

  const example = await read("deploy/sluice.env.example");
  for (const name of ["SLUICE_GATEWAY_KEY", "SLUICE_ADMIN_KEY", "SLUICE_SECRET"]) {
    assert.match(example, new RegExp(`^${name}=$`, "m"));
  }
  // The mounted config validates, binds beyond loopback and has a gateway key from the env file.
  const env = (name: string) => ({ SLUICE_GATEWAY_KEY: "sk-k" } as Record<string, string>)[name];
  const { config } = parseConfig(await read("deploy/config/gateway.yaml"), "compose", env);
  assert.equal(config.server.hostname, "0.0.0.0");
  assert.deepEqual(config.keys.map((k) => k.key), ["sk-k"]);
});

Deno.test("docs/systemd/sluice.service: the settings a drained, restarted, unprivileged service needs", async () => {
  const unit = await read("docs/systemd/sluice.service");
  const setting = (name: string) => unit.match(new RegExp(`^${name}=(.*)$`, "m"))?.[1];
  assert.equal(setting("KillSignal"), "SIGTERM");
  assert.ok(Number(setting("TimeoutStopSec")) > 10, "above server.shutdown_grace's 10 s");
  assert.ok(Number(setting("LimitNOFILE")) >= 65536);
  assert.equal(setting("Restart"), "on-failure");
  assert.equal(setting("User"), "sluice");
  assert.equal(setting("WorkingDirectory"), "/opt/sluice");
  assert.equal(setting("EnvironmentFile"), "/etc/sluice/sluice.env");
  assert.match(setting("ExecStart") ?? "", / main\.ts$/);
  const analyze = await new Deno.Command("systemd-analyze", { args: ["--version"] }).output()
    .catch(() => undefined);
  if (!analyze?.success) return; // verified where systemd is installed (it is on CI's machines)
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/sluice.service`,
      unit.replace("/usr/local/bin/deno", Deno.execPath()),
    );
    const verify = await new Deno.Command("systemd-analyze", {
      args: ["verify", `${dir}/sluice.service`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(verify.success, decoder.decode(verify.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
