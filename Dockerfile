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

# The module graph: the entries, the sources and the plugins. /app, deno.json and deno.lock
# belong to the deno user until the install is done, because it rewrites them (the lock file by
# writing a new file and renaming it over the old one).
RUN chown deno:deno /app
COPY --chown=deno:deno deno.json deno.lock ./
COPY main.ts serve.ts deploy.ts mod.ts ./
COPY src/ src/
COPY plugins/ plugins/
COPY deploy/production_config.ts deploy/healthcheck.ts deploy/

# Only what the entries run: the lock file also pins the test SDKs (declared in test/deno.json, a
# workspace member), and Deno fetches a lock file's whole npm snapshot. production_config.ts drops
# that member from deno.json, the first install prunes its packages from the lock and fetches the
# rest at their locked versions, and the frozen one proves nothing is left to resolve. Run as the
# image's `deno` user, whose DENO_DIR (/deno-dir) stays writable at run time: plugins are
# imported on start and on reload, and their compiled form is cached there.
USER deno
RUN deno run --no-config --allow-read=deno.json --allow-write=deno.json deploy/production_config.ts \
  && deno install --entrypoint main.ts serve.ts deploy.ts plugins/mod.ts \
  && deno install --frozen --entrypoint main.ts serve.ts deploy.ts plugins/mod.ts

# Config after the install, so editing it does not fetch anything again. Every file is root's
# and read-only to the gateway; only /app/data (Deno KV) is writable.
COPY config/ config/
USER root
RUN chown root:root /app deno.json deno.lock && mkdir -p /app/data && chown deno:deno /app/data
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
