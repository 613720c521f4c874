import assert from "node:assert/strict";
import { getMetricsFromIterator, type PromHistogramData } from "../../test/_prom.ts";
import { Registry } from "./registry.ts";

function parse(text: string) {
  return getMetricsFromIterator(text.split("\n")[Symbol.iterator]());
}

Deno.test("Registry.render() writes HELP, TYPE and samples per family, ending in a line feed", () => {
  const r = new Registry();
  const c = r.counter({ name: "x_total", help: "Things.\nCounted \\ here.", labels: ["k"] });
  r.gauge({ name: "g", help: "A gauge." }).series().set(2.5);
  c.series(["a"]).inc();
  c.series(["a"]).inc(2);
  c.series(['b"\n\\']).inc(-5); // a counter never goes down
  assert.equal(
    r.render(),
    [
      "# HELP x_total Things.\\nCounted \\\\ here.",
      "# TYPE x_total counter",
      'x_total{k="a"} 3',
      'x_total{k="b\\"\\n\\\\"} 0',
      "# HELP g A gauge.",
      "# TYPE g gauge",
      "g 2.5",
      "",
    ].join("\n"),
  );
});

Deno.test("Histogram buckets are cumulative, bounds inclusive, +Inf equal to _count", () => {
  const r = new Registry();
  const h = r.histogram({ name: "d_seconds", help: "D.", labels: ["c"], buckets: [0.1, 1] });
  const s = h.series(["x"]);
  for (const v of [0.05, 0.1, 0.5, 1, 3, NaN]) s.observe(v);
  assert.equal(
    r.render(),
    [
      "# HELP d_seconds D.",
      "# TYPE d_seconds histogram",
      'd_seconds_bucket{c="x",le="0.1"} 2',
      'd_seconds_bucket{c="x",le="1"} 4',
      'd_seconds_bucket{c="x",le="+Inf"} 5',
      'd_seconds_sum{c="x"} 4.65',
      'd_seconds_count{c="x"} 5',
      "",
    ].join("\n"),
  );
});

Deno.test("Registry.render() round-trips through a Prometheus text parser, escapes included", async () => {
  const r = new Registry();
  const tricky = 'C:\\DIR\n"FILE"';
  r.counter({ name: "t_total", help: "T.", labels: ["path"] }).series([tricky]).inc(7);
  const h = r.histogram({ name: "h", help: "H.", labels: ["a"], buckets: [1, 2] });
  h.series(["p"]).observe(1.5);
  h.series(["q"]).observe(5);
  const parsed = await parse(r.render());
  assert.deepEqual(parsed.t_total.data, [{ labels: { path: tricky }, value: 7 }]);
  assert.equal(parsed.h.type, "histogram");
  assert.deepEqual(parsed.h.data as PromHistogramData[], [
    { labels: { a: "p" }, buckets: { "1": 0, "2": 1, "+Inf": 1 }, count: 1, sum: 1.5 },
    { labels: { a: "q" }, buckets: { "1": 0, "2": 0, "+Inf": 1 }, count: 1, sum: 5 },
  ]);
});

Deno.test("A family past maxSeries counts new label sets in one all-'other' series", () => {
  const r = new Registry();
  const c = r.counter({ name: "c_total", help: "C.", labels: ["a", "b"], maxSeries: 2 });
  c.series(["1", "1"]).inc();
  c.series(["2", "2"]).inc();
  for (let i = 3; i < 1000; i++) c.series([String(i), String(i)]).inc();
  c.series(["1", "1"]).inc();
  assert.equal(c.size, 3);
  const lines = r.render().split("\n").filter((l) => l.startsWith("c_total"));
  assert.deepEqual(lines, [
    'c_total{a="1",b="1"} 2',
    'c_total{a="2",b="2"} 1',
    'c_total{a="other",b="other"} 997',
  ]);
});

Deno.test("Registry refuses a name twice, a histogram's derived names, and bad buckets", () => {
  const r = new Registry();
  r.histogram({ name: "h", help: "", buckets: [1] });
  assert.throws(() => r.counter({ name: "h", help: "" }), /Metric "h" is already registered/);
  assert.throws(() => r.gauge({ name: "h_count", help: "" }), /"h_count" is already registered/);
  assert.throws(
    () => r.histogram({ name: "k", help: "", buckets: [2, 1] }),
    /Buckets of "k" must be finite and increasing/,
  );
  assert.throws(
    () => r.histogram({ name: "k", help: "", labels: ["le"], buckets: [1] }),
    /Invalid label name "le"/,
  );
  const c = r.counter({ name: "c_total", help: "", labels: ["a"] });
  assert.throws(() => c.series([]), /takes 1 label values, got 0/);
});

Deno.test("Family.clear() drops series so values read at scrape time can disappear", () => {
  const r = new Registry();
  const g = r.gauge({ name: "state", help: "S.", labels: ["channel"] });
  g.series(["old"]).set(2);
  g.clear();
  g.series(["new"]).set(0);
  assert.match(r.render(), /^state\{channel="new"\} 0$/m);
  assert.doesNotMatch(r.render(), /old/);
});
