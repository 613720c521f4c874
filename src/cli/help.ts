/** The text of `--help`. */
export function helpText(version: string): string {
  return `Sluice ${version}: an AI API gateway (OpenAI, Anthropic and Gemini APIs in, any channel out)

Usage: deno task start [options]
       deno run --allow-net --allow-env --allow-read --allow-write=data --allow-sys main.ts [options]

Options:
  -c, --config PATH  The YAML config (default: the YAML text in $SLUICE_CONFIG_YAML, else the
                     file $SLUICE_CONFIG, else config/gateway.yaml; when none is set or
                     exists, a built-in config with only the local echo channel)
      --port N       Listen on port N (overrides $PORT, which overrides server.port)
      --check        Load and validate the config and the plugins, print the problems or a
                     summary, and exit (status 0 when valid, 1 when not)
  -h, --help         Print this help and exit
  -V, --version      Print the version and exit

Environment: SLUICE_KV (the Deno KV store: a path, default data/sluice.kv, ":memory:" or a KV
Connect URL), PORT, and any variable the config names as \${VAR}.

Signals: SIGHUP reloads the config; SIGTERM and SIGINT stop accepting, let requests in flight
finish within server.shutdown_grace, then exit.
`;
}
