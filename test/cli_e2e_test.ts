/**
 * The command line of `main.ts`, run as users run it (the flags of `deno task start`): help,
 * version, check, mistakes (one line, status 2, no stack trace) and what start-up says.
 */
import assert from "node:assert/strict";
import { freePort, get, ROOT, START_FLAGS, startMain } from "./ops_process.ts";

const { version } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));

async function run(args: string[], cwd: URL | string = ROOT, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...START_FLAGS, new URL("main.ts", ROOT).pathname, ...args],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("cli: --help prints the usage and the options, exit 0", async () => {
  const { code, stdout, stderr } = await run(["--help"]);
  assert.equal(code, 0);
  assert.equal(stderr, "");
  assert.match(stdout, /^Sluice \d+\.\d+\.\d+: /);
  for (
    const flag of [
      "--config PATH",
      "--port N",
      "--check",
      "--help",
      "--version",
      "SLUICE_CONFIG_YAML",
      "SLUICE_KV",
    ]
  ) {
    assert.ok(stdout.includes(flag), `--help does not mention ${flag}`);
  }
});

Deno.test("cli: --version prints deno.json's version, exit 0", async () => {
  const { code, stdout } = await run(["--version"]);
  assert.equal(code, 0);
  assert.equal(stdout, `sluice ${version}\n`);
});

Deno.test("cli: an unknown option or a bad value is one line on stderr, exit 2", async () => {
  for (
    const [args, line] of [
      [["--frob"], 'sluice: unknown option "--frob" (see --help)'],
      [
        ["--port", "abc"],
        'sluice: invalid port "abc" for --port: expected a number from 0 to 65535 (see --help)',
      ],
      [["--config"], 'sluice: option "--config" needs a value (see --help)'],
    ] as const
  ) {
    const { code, stdout, stderr } = await run([...args]);
    assert.equal(code, 2, args.join(" "));
    assert.equal(stderr, `${line}\n`);
    assert.equal(stdout, "");
  }
  const badEnv = await run([], ROOT, { PORT: "eighty" });
  assert.equal(badEnv.code, 2);
  assert.equal(
    badEnv.stderr,
    'sluice: invalid PORT "eighty": expected a number from 0 to 65535 (see --help)\n',
  );
});

Deno.test("cli: --check reports a valid config, exit 0", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/gateway.yaml`;
    await Deno.writeTextFile(
      path,
      "channels:\n  - { name: echo, plugin: echo }\nkeys:\n  - { name: a, key: sk-aaaaaaaaaaaa }\n",
    );
    const { code, stdout } = await run(["--check", "-c", path]);
    assert.equal(code, 0);
    assert.equal(stdout, `ok: ${path} — 1 channel, 1 key\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: --check lists the problems of an invalid config, exit 1, no stack trace", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/gateway.yaml`;
    await Deno.writeTextFile(
      path,
      "channels:\n  - { name: echo, plugin: nope }\nserver: { colour: 1 }\n",
    );
    const { code, stdout, stderr } = await run(["--check", "--config", path]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, new RegExp(`${path}:3:11: unknown field server\\.colour`));
    assert.doesNotMatch(stderr, /^\s+at /m);
    const missing = await run(["--check", "--config", `${dir}/none.yaml`]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `Config file ${dir}/none.yaml not found\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: start-up names the config it loaded; --port overrides PORT", async () => {
  const gw = await startMain({ args: ["--config", "config/gateway.yaml"] });
  await gw.kill();
  assert.match(gw.stderr(), /INFO loaded config\/gateway\.yaml: 1 channel, 0 keys\n/);

  const port = freePort(); // while PORT holds another one
  const moved = await startMain({ args: ["--port", String(port)], noWait: true });
  try {
    await moved.waitFor(/listening on/);
    assert.match(moved.stderr(), new RegExp(`INFO listening on http://127\\.0\\.0\\.1:${port}\n`));
    assert.equal(await get(`http://127.0.0.1:${port}/health`), 200);
  } finally {
    await moved.kill();
  }
});

Deno.test("cli: without a config file it warns loudly that the embedded default runs", async () => {
  const dir = await Deno.makeTempDir();
  const gw = await startMain({ cwd: dir });
  try {
    assert.match(
      gw.stderr(),
      /WARN NO CONFIG FILE: config\/gateway\.yaml does not exist, so Sluice runs its EMBEDDED DEFAULT CONFIG/,
    );
    assert.match(gw.stderr(), /INFO loaded \(embedded default config\): 1 channel, 0 keys/);
  } finally {
    await gw.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
