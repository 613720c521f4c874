# Sluice in a container, on the official Deno image (Debian; the same Deno as development).
#
#   docker build -t sluice .
#   docker compose up -d        (docker-compose.yml: data volume, config folder, env file, limits)
#
# The open-mode trap: with no usable gateway keys Sluice serves loopback clients only and binds
# 127.0.0.1 whatever SLUICE_HOST says, so nothing outside the container can reach it. Give it a
# config with `keys:` (the compose example reads one from its env file). The health check below
# calls the container's own address, not 127.0.0.1, so that mistake shows as "unhealthy".
FROM denoland/deno:2.9.6

WORKDIR /app

# The module graph first: the entries, the sources and the plugins, against the lock file. Only
# packages those entries import are fetched; the test SDKs are declared in test/deno.json (a
# workspace member, copied so the lock file matches the workspace) and are never installed.
# Cached as the image's `deno` user, whose DENO_DIR (/deno-dir) stays writable at run time:
# plugins are imported on start and on reload, and their compiled form is cached there.
COPY deno.json deno.lock main.ts serve.ts deploy.ts mod.ts ./
COPY test/deno.json test/
COPY src/ src/
COPY plugins/ plugins/
USER deno
RUN deno install --frozen --entrypoint main.ts serve.ts deploy.ts plugins/mod.ts

# Config and the health check after the install, so editing them does not fetch anything again.
# The files stay owned by root, read-only to the gateway; only /app/data (Deno KV) is writable.
COPY config/ config/
COPY deploy/healthcheck.ts deploy/
USER root
RUN mkdir -p /app/data && chown deno:deno /app/data
USER deno

# The shipped config reads its bind address from SLUICE_HOST (ignored in open mode, see above).
# PORT, when set, overrides the config's port; the health check follows it.
ENV SLUICE_HOST=0.0.0.0
EXPOSE 8787
VOLUME ["/app/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["deno", "run", "--cached-only", "--allow-net", "--allow-env", "--allow-sys=hostname", "deploy/healthcheck.ts"]

# The flags of `deno task start`, plus --cached-only: everything was fetched at build time, and a
# container that tried the network at start would hide a broken image. The image's entrypoint
# (tini) runs `deno run ...` as a child that receives SIGTERM (drain, then exit 0 within
# server.shutdown_grace) and SIGHUP (reload the config).
CMD ["run", "--cached-only", "--unstable-no-legacy-abort", "--allow-net", "--allow-env", "--allow-read", "--allow-write=data", "--allow-sys", "main.ts"]
