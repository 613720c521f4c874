/**
 * The two measurements wrk cannot make: time to first byte of a stream, and the gateway's memory
 * while it holds many streams open. Both drive fetch from this process.
 */
import { percentile } from "./_load.ts";
import { rssMiB } from "./_procs.ts";

export interface Target {
  url: string;
  key: string;
}

function streamRequest(model: string, key: string): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model,
      stream: true,
      messages: [{ role: "user", content: "Say hello in one short sentence." }],
    }),
  };
}

/** Milliseconds from sending the request to the first body chunk; drains the rest. */
async function firstByteMs(target: Target, model: string, client: Deno.HttpClient) {
  const t0 = performance.now();
  const res = await fetch(target.url, { ...streamRequest(model, target.key), client });
  const reader = res.body!.getReader();
  const first = await reader.read();
  const ms = performance.now() - t0;
  if (!res.ok || first.done) {
    throw new Error(`Stream from ${target.url} failed: ${res.status}`);
  }
  while (!(await reader.read()).done) { /* drain */ }
  return ms;
}

export interface TtfbResult {
  direct: { p50: number; p99: number };
  gateway: { p50: number; p99: number };
  samples: number;
}

/** Sequential streams, alternating direct and through the gateway so drift hits both alike. */
export async function measureTtfb(
  direct: Target,
  gateway: Target,
  model: string,
  samples: number,
): Promise<TtfbResult> {
  const client = Deno.createHttpClient({});
  try {
    const d: number[] = [];
    const g: number[] = [];
    const warmup = Math.min(30, samples);
    for (let i = 0; i < warmup + samples; i++) {
      const a = await firstByteMs(direct, model, client);
      const b = await firstByteMs(gateway, model, client);
      if (i >= warmup) {
        d.push(a);
        g.push(b);
      }
    }
    return {
      direct: { p50: percentile(d, 50), p99: percentile(d, 99) },
      gateway: { p50: percentile(g, 50), p99: percentile(g, 99) },
      samples,
    };
  } finally {
    client.close();
  }
}

export interface MemoryResult {
  streams: number;
  opened: number;
  openSeconds: number;
  /** Highest RSS seen while every stream was open, MiB. */
  rssOpen?: number;
  /** RSS a moment after the streams were closed, MiB. */
  rssAfter?: number;
  /** Streams the upstream still serves 2 s after the clients closed theirs (a leak if > 0). */
  upstreamOpen?: number;
}

/**
 * Opens `streams` concurrent slow streams through the gateway (in batches, so the accept queue
 * does not overflow), keeps reading them, samples the gateway's RSS, then closes them all.
 */
export async function measureStreamsMemory(
  gateway: Target,
  pid: number,
  model: string,
  streams: number,
  timeoutMs: number,
  upstreamStreams?: () => Promise<number>,
): Promise<MemoryResult> {
  const abort = new AbortController();
  const client = Deno.createHttpClient({});
  let opened = 0;
  const open = async () => {
    const res = await fetch(gateway.url, {
      ...streamRequest(model, gateway.key),
      client,
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("No first chunk within 15 s")), 15_000);
    });
    try {
      const first = await Promise.race([reader.read(), late]);
      if (!res.ok || first.done) throw new Error(`Stream failed: ${res.status}`);
    } catch (error) {
      await reader.cancel().catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
    opened++;
    // Keep consuming so the stream stays live, until the probe aborts it.
    const done = (async () => {
      try {
        while (!(await reader.read()).done) { /* discard */ }
      } catch { /* aborted */ }
    })();
    return { done, reader };
  };
  const start = performance.now();
  const deadline = start + timeoutMs;
  const readers: { done: Promise<void>; reader: ReadableStreamDefaultReader<Uint8Array> }[] = [];
  let failure: unknown;
  try {
    for (let i = 0; i < streams && performance.now() < deadline; i += 100) {
      const batch = Array.from({ length: Math.min(100, streams - i) }, open);
      const settled = await Promise.allSettled(batch);
      for (const s of settled) {
        if (s.status === "fulfilled") readers.push(s.value);
        else failure ??= s.reason;
      }
    }
    const openSeconds = (performance.now() - start) / 1_000;
    let rssOpen: number | undefined;
    for (let i = 0; i < 5; i++) {
      const rss = await rssMiB(pid);
      if (rss !== undefined) rssOpen = Math.max(rssOpen ?? 0, rss);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Cancel each body explicitly: in Deno 2.9 aborting the fetch signal does not reliably
    // reject a read already pending on a streaming body.
    await Promise.all(readers.map((r) => r.reader.cancel().catch(() => {})));
    abort.abort();
    await Promise.all(readers.map((r) => r.done));
    await new Promise((r) => setTimeout(r, 2_000));
    const upstreamOpen = await upstreamStreams?.();
    if (opened < streams && failure) {
      console.error(`  memory probe: ${opened}/${streams} streams opened; first error: ${failure}`);
    }
    return { streams, opened, openSeconds, rssOpen, rssAfter: await rssMiB(pid), upstreamOpen };
  } finally {
    abort.abort();
    client.close();
  }
}
