import assert from "node:assert/strict";
import { InFlight } from "./in_flight.ts";
import { drain, ShutdownHooks } from "./shutdown.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request held in flight until `finish()`. */
function hold(inFlight: InFlight) {
  const { promise: completed, resolve: finish } = Promise.withResolvers<void>();
  const handler = inFlight.wrap(() => new Response("ok"));
  handler(new Request("http://x/"), {
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
    completed,
  });
  return finish;
}

function recorder() {
  const events: string[] = [];
  const log = {
    info: (l: string) => events.push(`info ${l}`),
    warn: (l: string) => events.push(`warn ${l}`),
  };
  return { events, log };
}

Deno.test("InFlight counts a request until its response is delivered", async () => {
  const inFlight = new InFlight();
  const finish = hold(inFlight);
  assert.equal(inFlight.count, 1);
  let idle = false;
  inFlight.idle().then(() => (idle = true));
  await sleep(0);
  assert.equal(idle, false);
  finish();
  await sleep(0);
  assert.equal(inFlight.count, 0);
  assert.equal(idle, true);
});

Deno.test("ShutdownHooks.run() runs hooks in order, logs a failure, leaves a hung one", async () => {
  const hooks = new ShutdownHooks();
  const { events, log } = recorder();
  hooks.add(() => void events.push("first"));
  hooks.add(() => {
    throw new Error("disk full");
  });
  hooks.add(async () => {
    await sleep(10);
    events.push("third");
  });
  hooks.add(() => new Promise(() => {}));
  await hooks.run(100, log);
  assert.deepEqual(events, [
    "first",
    "warn Shutdown hook failed: disk full",
    "third",
    "warn Shutdown hooks still running after 100 ms: leaving them",
  ]);
  await hooks.run(100, log); // each hook runs once
  assert.equal(events.length, 4);
});

Deno.test("drain() waits for requests in flight, runs the hooks, flushes, exits 0", async () => {
  const inFlight = new InFlight();
  const finish = hold(inFlight);
  const hooks = new ShutdownHooks();
  const { events, log } = recorder();
  hooks.add(() => void events.push("hook"));
  let stopped = false;
  const exited = Promise.withResolvers<number>();
  const done = drain("SIGTERM", {
    graceMs: () => 5_000,
    inFlight,
    hooks,
    stopAccepting: () => (stopped = true, Promise.resolve()),
    flush: () => void events.push("flush"),
    log,
    exitWhenDrained: true,
    exit: (code) => exited.resolve(code),
  });
  await sleep(20);
  assert.equal(stopped, true);
  assert.deepEqual(events, ["info shutting down (SIGTERM): 1 in flight, waiting up to 5000 ms"]);
  finish();
  assert.equal(await exited.promise, 0);
  await done;
  assert.equal(events[1], "hook");
  assert.match(events[2], /^info shut down: every request finished in \d+ ms$/);
  assert.equal(events[3], "flush");
});

Deno.test("drain() cuts what outlives the grace and still exits 0 at the grace", async () => {
  const inFlight = new InFlight();
  hold(inFlight); // never finishes
  const { events, log } = recorder();
  const exited = Promise.withResolvers<number>();
  const started = performance.now();
  await drain("SIGINT", {
    graceMs: () => 100,
    inFlight,
    hooks: new ShutdownHooks(),
    flush: () => void events.push("flush"),
    log,
    exitWhenDrained: true,
    exit: (code) => exited.resolve(code),
  });
  assert.equal(await exited.promise, 0);
  assert.ok(performance.now() - started >= 95);
  assert.deepEqual(events.slice(1), [
    "warn shut down: grace of 100 ms over, cutting 1 in flight",
    "flush",
  ]);
});
