import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";

const NONE = { help: false, version: false, check: false };

Deno.test("parseArgs() accepts nothing at all", () => {
  assert.deepEqual(parseArgs([]), { ok: true, options: NONE });
});

Deno.test("parseArgs() reads --config, -c, --port and the flags", () => {
  assert.deepEqual(parseArgs(["--config", "prod.yaml", "--port", "9000"]), {
    ok: true,
    options: { ...NONE, config: "prod.yaml", port: 9000 },
  });
  assert.deepEqual(parseArgs(["-c", "a.yaml", "--port=0", "--check"]), {
    ok: true,
    options: { ...NONE, check: true, config: "a.yaml", port: 0 },
  });
  assert.deepEqual(parseArgs(["--help", "-V"]), {
    ok: true,
    options: { ...NONE, help: true, version: true },
  });
});

Deno.test("parseArgs() names an unknown option in one sentence", () => {
  assert.deepEqual(parseArgs(["--frob"]), { ok: false, error: 'unknown option "--frob"' });
  assert.deepEqual(parseArgs(["-x"]), { ok: false, error: 'unknown option "-x"' });
  assert.deepEqual(parseArgs(["stray"]), { ok: false, error: 'unexpected argument "stray"' });
});

Deno.test("parseArgs() refuses a bad or missing value", () => {
  for (const value of ["abc", "65536", "1e3", "0x10", " 80", "8.5"]) {
    const result = parseArgs(["--port", value]);
    assert.equal(result.ok, false, value);
    assert.equal(
      !result.ok && result.error,
      `invalid port "${value}" for --port: expected a number from 0 to 65535`,
    );
  }
  assert.deepEqual(parseArgs(["--config"]), {
    ok: false,
    error: 'option "--config" needs a value',
  });
  assert.deepEqual(parseArgs(["--config", "--check"]), {
    ok: false,
    error: 'option "--config" needs a value',
  });
  assert.deepEqual(parseArgs(["--check=yes"]), {
    ok: false,
    error: 'option "--check" takes no value',
  });
});

Deno.test("parseArgs() limits the options to those allowed", () => {
  assert.deepEqual(parseArgs(["--port", "1"], ["config"]), {
    ok: false,
    error: 'unknown option "--port"',
  });
  assert.deepEqual(parseArgs(["-c", "x.yaml"], ["config"]), {
    ok: true,
    options: { ...NONE, config: "x.yaml" },
  });
});
