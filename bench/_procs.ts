/**
 * Processes the benchmark starts and the promise to stop every one of them: each start registers
 * its own stop step, and `Cleanup.run()` runs them newest first, on success, error or Ctrl-C.
 */

export class Cleanup {
  #steps: { what: string; step: () => Promise<void> | void }[] = [];
  #running: Promise<void> | undefined;

  add(what: string, step: () => Promise<void> | void): void {
    this.#steps.push({ what, step });
  }

  /** Runs every step once, newest first; a failing step does not stop the others. */
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (let s = this.#steps.pop(); s; s = this.#steps.pop()) {
        try {
          await s.step();
        } catch (error) {
          console.error(`cleanup: ${s.what}: ${error instanceof Error ? error.message : error}`);
        }
      }
    })();
    return this.#running;
  }
}

export interface Proc {
  name: string;
  pid: number;
  /** Resolves when the process exits. */
  status: Promise<Deno.CommandStatus>;
  exited(): boolean;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Files for the process's stdout and stderr (a real file descriptor, as in production). */
  stdoutFile: string;
  stderrFile: string;
}

/**
 * Starts `command` with its output redirected to files by the shell, which then `exec`s it, so
 * the child's pid is the program's own (its /proc entry is what the memory probe reads).
 */
export function spawn(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
  cleanup: Cleanup,
): Proc {
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$@" >"$BENCH_STDOUT" 2>"$BENCH_STDERR"', "sh", command, ...args],
    cwd: options.cwd,
    env: { ...options.env, BENCH_STDOUT: options.stdoutFile, BENCH_STDERR: options.stderrFile },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let done = false;
  const status = child.status.finally(() => done = true);
  const proc: Proc = {
    name,
    pid: child.pid,
    status,
    exited: () => done,
    async stop() {
      if (done) return;
      try {
        child.kill("SIGTERM");
      } catch {
        return; // already gone
      }
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 3_000));
      const result = await Promise.race([status, timeout]);
      if (result === "timeout") {
        try {
          child.kill("SIGKILL");
        } catch { /* gone meanwhile */ }
        await status;
      }
    },
  };
  cleanup.add(`stop ${name}`, () => proc.stop());
  return proc;
}

/** Runs a command to completion and returns its output; throws with stderr when it fails. */
export async function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<string> {
  const out = await new Deno.Command(command, {
    args,
    env: options.env,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const stdout = decoder.decode(out.stdout);
  if (!out.success) {
    const stderr = decoder.decode(out.stderr).trim();
    throw new Error(`${command} ${args.join(" ")} failed (exit ${out.code}): ${stderr || stdout}`);
  }
  return stdout;
}

/** Whether `name` runs (is on PATH and answers `args`). */
export async function available(name: string, args: string[] = ["--version"]): Promise<boolean> {
  try {
    await new Deno.Command(name, { args, stdin: "null", stdout: "null", stderr: "null" })
      .output();
    return true;
  } catch {
    return false;
  }
}

/** Whether nothing listens on 127.0.0.1:`port`. */
export function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** `preferred` when free, otherwise a port the kernel picks. */
export function freePort(preferred: number): number {
  if (portFree(preferred)) return preferred;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** Polls `url` until it answers (any status), the process dies, or the deadline passes. */
export async function waitReady(url: string, proc: Proc | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc?.exited()) throw new Error(`${proc.name} exited during start-up`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${proc?.name ?? url} did not answer within ${timeoutMs / 1000}s`);
}

/**
 * A file under /proc, read through `cat`: Deno only lets a program read /proc itself with
 * --allow-all, and the bench task grants --allow-run instead. Empty when unreadable.
 */
export async function readProc(path: string): Promise<string> {
  try {
    const out = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout) : "";
  } catch {
    return "";
  }
}

/** Resident memory of a process in MiB (Linux's VmRSS); undefined elsewhere. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  const kb = (await readProc(`/proc/${pid}/status`)).match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

let clockTicks: number | undefined;

/** CPU time (user + system, every thread) a process has used so far, in µs; Linux only. */
export async function cpuMicros(pid: number): Promise<number | undefined> {
  if (clockTicks === undefined) {
    const out = await run("getconf", ["CLK_TCK"]).catch(() => "100");
    clockTicks = Number(out.trim()) || 100;
  }
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = (await readProc(`/proc/${pid}/stat`)).split(")").at(-1)?.trim().split(" ");
  if (!fields || fields.length < 13) return undefined;
  return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1e6;
}

/**
 * CPU time of a process and its children (nginx: the master and its workers), in µs; Linux only.
 */
export async function cpuTreeMicros(pid: number): Promise<number | undefined> {
  const own = await cpuMicros(pid);
  if (own === undefined) return undefined;
  let total = own;
  // Listing /proc needs --allow-all in Deno; pgrep names the children instead.
  const children = await run("pgrep", ["-P", String(pid)]).catch(() => "");
  for (const child of children.split(/\s+/).filter(Boolean)) {
    total += (await cpuMicros(Number(child))) ?? 0;
  }
  return total;
}

/** The last `n` characters of a file, for error messages. */
export function tail(path: string, n = 2_000): string {
  try {
    const text = Deno.readTextFileSync(path);
    return text.slice(-n).trim();
  } catch {
    return "";
  }
}
