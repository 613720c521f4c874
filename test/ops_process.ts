/**
 * `main.ts` as an operator runs it: a subprocess with the flags of `deno task start`, its stderr
 * collected, for the operations tests (shutdown, overload, reload safety, command line).
 */
import assert from "node:assert/strict";

export const ROOT = new URL("../", import.meta.url);

/** The flags of `deno task start`, read from deno.json so the tests follow the task. */
export const START_FLAGS: string[] = await (async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const words = (tasks.start as string).split(/\s+/);
  return words.slice(2, words.indexOf("main.ts"));
})();

export interface MainProcess {
  process: Deno.ChildProcess;
  url: string;
  port: number;
  stderr(): string;
  stdout(): string;
  /** Resolves when `pattern` appears on stderr; fails after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** SIGKILL if still running, and wait: teardown that never hangs. */
  kill(): Promise<Deno.CommandStatus>;
}

export interface StartOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Run through `bash -c 'ulimit -n N; exec deno ...'`. */
  nofile?: number;
  cwd?: URL | string;
  /** Do not wait for "listening on". */
  noWait?: boolean;
}

/** A free loopback port, for the subprocess to listen on. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export async function startMain(options: StartOptions = {}): Promise<MainProcess> {
  const port = freePort();
  const deno = [Deno.execPath(), "run", ...START_FLAGS, new URL("main.ts", ROOT).pathname];
  const args = options.args ?? [];
  // `ulimit` in a shell that then becomes deno, so the limit is the gateway's own.
  const process = new Deno.Command(options.nofile ? "bash" : deno[0], {
    args: options.nofile
      ? ["-c", `ulimit -n ${options.nofile} && exec "$@"`, "bash", ...deno, ...args]
      : [...deno.slice(1), ...args],
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", PORT: String(port), ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const collected = { stdout: "", stderr: "" };
  const pumps = (["stdout", "stderr"] as const).map((name) => {
    const decoder = new TextDecoder();
    return process[name].pipeTo(
      new WritableStream({ write: (chunk) => void (collected[name] += decoder.decode(chunk)) }),
    ).catch(() => {});
  });
  let exited = false;
  const status = process.status.then((s) => (exited = true, s));
  const main: MainProcess = {
    process,
    url: `http://127.0.0.1:${port}`,
    port,
    stderr: () => collected.stderr,
    stdout: () => collected.stdout,
    async waitFor(pattern, ms = 10_000) {
      const end = Date.now() + ms;
      while (!pattern.test(collected.stderr)) {
        if (Date.now() > end || exited) {
          assert.fail(`No ${pattern} on stderr within ${ms} ms:\n${collected.stderr}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill() {
      if (!exited) {
        try {
          process.kill("SIGKILL");
        } catch { /* already gone */ }
      }
      const result = await status;
      await Promise.all(pumps);
      return result;
    },
  };
  if (!options.noWait) await main.waitFor(/listening on/);
  return main;
}

/** `GET path` with a deadline; the status, or the error's name when it failed. */
export async function get(url: string, headers: HeadersInit = {}): Promise<number | string> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(3_000) });
    await res.body?.cancel();
    return res.status;
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
}

/** Retries `check` every 50 ms until it returns true; fails after `ms`. */
export async function until(check: () => Promise<boolean> | boolean, what: string, ms = 8_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`Timed out waiting for ${what}`);
}
