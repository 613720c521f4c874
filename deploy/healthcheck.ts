/**
 * The container health check: `GET /health` at the container's own address (its hostname), not
 * at 127.0.0.1. A gateway without usable keys falls back to loopback (open mode) and nobody
 * outside the container can reach it; a check from inside on 127.0.0.1 would still pass, this one
 * fails and says why. `SLUICE_HEALTH_URL` overrides the address.
 *
 *   deno run --allow-net --allow-env --allow-sys=hostname deploy/healthcheck.ts
 */
const port = Deno.env.get("PORT") || "8787";
const url = Deno.env.get("SLUICE_HEALTH_URL") || `http://${Deno.hostname()}:${port}/health`;

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  await res.body?.cancel();
  if (!res.ok) {
    console.error(`health check: ${url} answered ${res.status}`);
    Deno.exit(1);
  }
} catch (error) {
  console.error(
    `health check: ${url}: ${error instanceof Error ? error.message : error} ` +
      "(with no gateway keys Sluice listens on 127.0.0.1 only: configure keys)",
  );
  Deno.exit(1);
}
