/**
 * What `main.ts` does before serving: read the command line, answer `--help`, `--version` and
 * `--check` and exit, or exit with status 2 and one line on a mistake. Writes to the console
 * and exits the process, so it is the entry's, not the gateway's.
 */
import { configLocation, loadGateway } from "../gateway/load.ts";
import type { PluginSource } from "../plugin/discover.ts";
import { type CliOptions, parseArgs, parsePort } from "./args.ts";
import { helpText } from "./help.ts";

export interface CommandContext {
  /** From deno.json. */
  version: string;
  plugins: PluginSource;
}

/** Returns the options to serve with; exits for everything else. */
export async function commandLine(
  args: readonly string[],
  context: CommandContext,
): Promise<CliOptions> {
  const parsed = parseArgs(args);
  if (!parsed.ok) usageError(parsed.error);
  const { options } = parsed;
  if (options.help) {
    console.log(helpText(context.version));
    Deno.exit(0);
  }
  if (options.version) {
    console.log(`sluice ${context.version}`);
    Deno.exit(0);
  }
  const envPort = Deno.env.get("PORT");
  if (options.port === undefined && envPort !== undefined && envPort !== "") {
    const port = parsePort(envPort);
    if (port === undefined) {
      usageError(`invalid PORT "${envPort}": expected a number from 0 to 65535`);
    }
  }
  // Exits explicitly: a plugin whose import never settled would keep the process alive.
  if (options.check) Deno.exit(await check(options.config, context.plugins));
  return options;
}

/** `--check`: 0 and a summary on stdout when the config and plugins load, else 1 and why. */
export async function check(config: string | undefined, plugins: PluginSource): Promise<number> {
  const env = (name: string) => Deno.env.get(name);
  try {
    const gateway = await loadGateway({
      ...configLocation(config, env),
      plugins,
      env,
      warn: (line) => console.error(`warning: ${line}`),
    });
    const channels = gateway.channels.length;
    const keys = gateway.keys.size;
    console.log(
      `ok: ${gateway.source} — ${channels} channel${channels === 1 ? "" : "s"}, ${keys} key${
        keys === 1 ? "" : "s"
      }`,
    );
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

/** One line, status 2: the way command-line mistakes end. */
export function usageError(error: string): never {
  console.error(`sluice: ${error} (see --help)`);
  Deno.exit(2);
}
