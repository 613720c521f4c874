/**
 * The command line of `main.ts` (and `serve.ts`, which takes `--config` only): a pure function
 * over the arguments, so every mistake is one sentence and exit status 2, never a stack trace.
 * Tokenizing is `node:util`'s parseArgs (it knows `--port=1`, `-c path`, `--`); deciding what
 * is allowed and saying what is wrong is here, in our words.
 */
import { parseArgs as tokenize } from "node:util";

export interface CliOptions {
  help: boolean;
  version: boolean;
  /** Load and validate the config and plugins, report, exit. */
  check: boolean;
  /** `--config` / `-c`: the YAML file. */
  config?: string;
  /** `--port`: overrides `PORT` and `server.port`. */
  port?: number;
}

export type ParsedArgs = { ok: true; options: CliOptions } | { ok: false; error: string };

const SPEC = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  check: { type: "boolean" },
  config: { type: "string", short: "c" },
  port: { type: "string" },
} as const;

type Name = keyof typeof SPEC;
const ALL: readonly Name[] = Object.keys(SPEC) as Name[];

/**
 * @example
 * parseArgs(["--config", "prod.yaml", "--port", "9000"]);
 * // { ok: true, options: { help: false, version: false, check: false, config: "prod.yaml", port: 9000 } }
 * parseArgs(["--frob"]);
 * // { ok: false, error: 'unknown option "--frob"' }
 */
export function parseArgs(args: readonly string[], allowed: readonly Name[] = ALL): ParsedArgs {
  const { tokens } = tokenize({
    args: [...args],
    options: SPEC,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options: CliOptions = { help: false, version: false, check: false };
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") return fail(`unexpected argument "${token.value}"`);
    const name = token.name as Name;
    if (!(name in SPEC) || !allowed.includes(name)) {
      return fail(`unknown option "${token.rawName}"`);
    }
    const spec = SPEC[name];
    if (spec.type === "boolean") {
      if (token.value !== undefined) return fail(`option "${token.rawName}" takes no value`);
      options[name as "help" | "version" | "check"] = true;
      continue;
    }
    const value = token.value;
    // `--config --check` is a forgotten value, not a file named "--check".
    const optionLike = !token.inlineValue && value?.startsWith("-") && value !== "-";
    if (value === undefined || value === "" || optionLike) {
      return fail(`option "${token.rawName}" needs a value`);
    }
    if (name === "config") {
      options.config = value;
    } else {
      const port = parsePort(value);
      if (port === undefined) {
        return fail(
          `invalid port "${value}" for ${token.rawName}: expected a number from 0 to 65535`,
        );
      }
      options.port = port;
    }
  }
  return { ok: true, options };
}

/** A TCP port written in decimal digits, or undefined. */
export function parsePort(value: string): number | undefined {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return port >= 0 && port <= 65535 ? port : undefined;
}

function fail(error: string): ParsedArgs {
  return { ok: false, error };
}
