/** The text of `--help`. */
export function helpText(version: string): string {
  return `Sluice ${version}: an AI API gateway (OpenAI, Anthropic and Gemini APIs in, any channel out)

Usage: deno task start [options]
       deno run --allow-net --allow-env --allow-read --allow-write=data --allow-sys main.ts [options]

Options:
  -c, --config PATH  The YAML config (default: $SLUICE_CONFIG, else config/gateway.yaml; when
                     neither exists, a built-in config with only the local echo channel)
      --port N       Listen on port N (overrides $PORT, which overrides server.port)
      --check        Load and validate the config and the plugins, print the problems or a
                     summary, and exit (status 0 when valid, 1 when not)
  -h, --help         Print this help and exit
  -V, --version      Print the version and exit

Signals: SIGHUP reloads the config; SIGTERM and SIGINT stop accepting, let requests in flight
finish within server.shutdown_grace, then exit.
`;
}
