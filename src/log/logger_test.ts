import assert from "node:assert/strict";
import { createLogger, type LogSettings } from "./logger.ts";

const TIME = Date.parse("2026-11-22T10:00:00.000Z");

function capture(settings: LogSettings) {
  const lines: string[] = [];
  const log = createLogger({
    settings: () => settings,
    write: (l) => lines.push(l),
    now: () => TIME,
  });
  return { log, lines };
}

Deno.test("createLogger() writes one timestamped text line per call", () => {
  const { log, lines } = capture({ format: "text", level: "info" });
  log.info("listening on http://127.0.0.1:8787");
  log.warn('Channel "openai" skipped');
  assert.deepEqual(lines, [
    "2026-11-22T10:00:00.000Z INFO listening on http://127.0.0.1:8787\n",
    '2026-11-22T10:00:00.000Z WARN Channel "openai" skipped\n',
  ]);
});

Deno.test("createLogger() filters by level", () => {
  const { log, lines } = capture({ format: "text", level: "warn" });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  assert.deepEqual(lines.map((l) => l.split(" ")[1]), ["WARN", "ERROR"]);
  const debug = capture({ format: "json", level: "debug" });
  debug.log.debug("d");
  assert.equal(debug.lines.length, 1);
});

Deno.test("createLogger() writes JSON Lines that parse", () => {
  const { log, lines } = capture({ format: "json", level: "info" });
  log.error('Unknown model "x\n2026-01-01T00:00:00.000Z INFO forged"');
  assert.equal(lines.length, 1);
  assert.equal(lines[0].split("\n").length, 2); // the line and its terminator only
  assert.deepEqual(JSON.parse(lines[0]), {
    time: "2026-11-22T10:00:00.000Z",
    level: "error",
    msg: 'Unknown model "x\n2026-01-01T00:00:00.000Z INFO forged"',
  });
});

Deno.test("createLogger() text: a client string cannot start a forged record", () => {
  const { log, lines } = capture({ format: "text", level: "info" });
  log.warn('Unknown model "x\n2026-01-01T00:00:00.000Z 200 chat forged\x1b[2J"');
  const physical = lines.join("").split("\n").filter((l) => l !== "");
  const records = physical.filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
  assert.equal(records.length, 1);
  assert.ok(!lines[0].includes("\x1b"));
});

Deno.test("createLogger() follows settings that change between calls", () => {
  let settings: LogSettings = { format: "text", level: "info" };
  const lines: string[] = [];
  const log = createLogger({ settings: () => settings, write: (l) => lines.push(l) });
  log.info("a");
  settings = { format: "json", level: "info" };
  log.info("b");
  assert.match(lines[0], / INFO a\n$/);
  assert.equal(JSON.parse(lines[1]).msg, "b");
});
