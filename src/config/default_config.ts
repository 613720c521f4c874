/**
 * The config used when no config file exists (a bare `deno run` of the entry, or a platform
 * without one): just the local `echo` channel, open to loopback clients.
 */
export const DEFAULT_CONFIG = `
server:
  hostname: \${SLUICE_HOST:-127.0.0.1}
  port: \${PORT:-8787}
admin:
  key: \${SLUICE_ADMIN_KEY}
channels:
  - name: echo
    plugin: echo
    models: [echo]
`;
