# Sluice in a container, on the official Deno image (Debian; same Deno as development).
#
#   docker build -t sluice .
#   docker run -p 8787:8787 -e SLUICE_ADMIN_KEY=... -e OPENAI_API_KEY=... \
#     -v "$PWD/gateway.yaml:/app/config/gateway.yaml:ro" -v sluice-data:/app/data sluice
#
# Gateway keys are required for container use: with no `keys:` in the config the gateway is
# open to loopback clients only and binds 127.0.0.1 whatever SLUICE_HOST says, so nothing outside
# the container could reach it (the health check, which runs inside, still passes). Mount a
# config that lists keys, or point SLUICE_CONFIG at one.
FROM denoland/deno:2.9.6

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when deno.json or deno.lock change.
# Cached as the image's `deno` user so its DENO_DIR (/deno-dir) stays writable at run time
# (plugins are imported on start and on reload, and their compiled form is cached there).
COPY deno.json deno.lock ./
USER deno
RUN deno install --frozen

# The sources stay owned by root, read-only to the gateway; only data/ (Deno KV) is writable.
COPY . .
USER root
RUN mkdir -p /app/data && chown deno:deno /app/data
USER deno
# Everything reachable from the entry and from the static plugin registry, against the lock.
RUN deno cache --frozen main.ts plugins/mod.ts

# The shipped config reads its bind address from SLUICE_HOST (ignored in open mode, see above).
# PORT, when set, overrides the config's port; the health check follows it.
ENV SLUICE_HOST=0.0.0.0
EXPOSE 8787
VOLUME ["/app/data"]

# No curl in the image: Deno checks /health itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch(`http://127.0.0.1:${Deno.env.get('PORT') ?? 8787}/health`, { signal: AbortSignal.timeout(4000) }); if (!r.ok) Deno.exit(1);"]

# The flags of `deno task start`. The image's entrypoint (tini) runs `deno run ...` as a child
# that receives SIGTERM, and SIGHUP for a config reload.
CMD ["run", "--unstable-no-legacy-abort", "--allow-net", "--allow-env", "--allow-read", "--allow-write=data", "--allow-sys", "main.ts"]
