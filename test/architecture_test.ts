/**
 * The layering STYLE.md asks for, checked on Deno's own module graph: no import cycles among the
 * gateway's modules, nothing under `src/` importing `plugins/` (the entries pass the static
 * registry in), and plugins importing nothing from `src/` but the plugin contract.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).href;

interface Module {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

/** Local modules reachable from `entries`, each with the local modules it imports. */
async function graph(entries: string[]): Promise<Map<string, string[]>> {
  const edges = new Map<string, string[]>();
  for (const entry of entries) {
    const { stdout, success } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: new URL(ROOT),
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.ok(success, `deno info ${entry}`);
    const { modules } = JSON.parse(new TextDecoder().decode(stdout)) as { modules: Module[] };
    for (const m of modules) {
      if (!m.specifier.startsWith(ROOT)) continue;
      const deps = (m.dependencies ?? [])
        .flatMap((d) => [d.code?.specifier, d.type?.specifier])
        .filter((s): s is string => s?.startsWith(ROOT) === true);
      edges.set(m.specifier.slice(ROOT.length), deps.map((s) => s.slice(ROOT.length)));
    }
  }
  return edges;
}

const plugins = [...Deno.readDirSync(new URL("plugins/", ROOT))]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ts") && !n.endsWith("_test.ts") && n !== "_testing.ts");
const edges = await graph(["main.ts", "serve.ts", ...plugins.map((p) => `plugins/${p}`)]);

Deno.test("src/ has no import cycles", () => {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "visiting") {
      cycles.push([...path.slice(path.indexOf(node)), node].join(" → "));
      return;
    }
    state.set(node, "visiting");
    for (const next of edges.get(node) ?? []) {
      if (next.startsWith("src/")) visit(next, [...path, node]);
    }
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (node.startsWith("src/")) visit(node, []);
  assert.deepEqual(cycles, []);
});

Deno.test("nothing in src/ imports plugins/", () => {
  const offenders = [...edges].filter(([from, to]) =>
    from.startsWith("src/") && to.some((t) => t.startsWith("plugins/"))
  ).map(([from]) => from);
  assert.deepEqual(offenders, []);
  assert.ok(edges.size > 50, "the graph was read");
});

Deno.test("plugins import nothing from src/ but the plugin contract", () => {
  const offenders = [...edges].flatMap(([from, to]) =>
    from.startsWith("plugins/")
      ? to.filter((t) => t.startsWith("src/") && t !== "src/plugin/contract.ts")
        .map((t) => `${from} → ${t}`)
      : []
  );
  assert.deepEqual(offenders, []);
});
