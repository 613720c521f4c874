import assert from "node:assert/strict";
import {
  checkLabelNames,
  checkMetricName,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  labelSet,
} from "./exposition.ts";

Deno.test("escapeLabelValue() escapes backslash, double quote and line feed as the format's example does", () => {
  // The exposition format's own example: path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""
  assert.equal(escapeLabelValue("C:\\DIR\\FILE.TXT"), "C:\\\\DIR\\\\FILE.TXT");
  assert.equal(
    escapeLabelValue('Cannot find file:\n"FILE.TXT"'),
    'Cannot find file:\\n\\"FILE.TXT\\"',
  );
  assert.equal(escapeLabelValue("tab\tand } and , stay"), "tab\tand } and , stay");
});

Deno.test("escapeHelp() escapes backslash and line feed but leaves double quotes", () => {
  assert.equal(escapeHelp('a\\b\n"c"'), 'a\\\\b\\n"c"');
});

Deno.test("labelSet() renders pairs in order, escaped, with an extra pair last", () => {
  assert.equal(labelSet([], []), "");
  assert.equal(labelSet(["a", "b"], ['x"', "y"]), '{a="x\\"",b="y"}');
  assert.equal(labelSet(["a"], ["x"], 'le="+Inf"'), '{a="x",le="+Inf"}');
  assert.equal(labelSet([], [], 'le="1"'), '{le="1"}');
});

Deno.test("formatValue() spells infinities and NaN as Go's ParseFloat reads them", () => {
  assert.equal(formatValue(Infinity), "+Inf");
  assert.equal(formatValue(-Infinity), "-Inf");
  assert.equal(formatValue(NaN), "NaN");
  assert.equal(formatValue(0.00005), "0.00005");
  assert.equal(formatValue(1e-7), "1e-7");
  assert.equal(formatValue(42), "42");
});

Deno.test("checkMetricName() and checkLabelNames() refuse what the format forbids", () => {
  checkMetricName("sluice_requests_total");
  checkMetricName("ns:rule_metric");
  assert.throws(() => checkMetricName("gen_ai.client.token.usage"), /Invalid metric name/);
  assert.throws(() => checkMetricName("1abc"), /Invalid metric name/);
  checkLabelNames("m", ["channel", "gen_ai_token_type"]);
  assert.throws(() => checkLabelNames("m", ["a:b"]), /Invalid label name "a:b"/);
  assert.throws(() => checkLabelNames("m", ["__name"]), /Invalid label name/);
  assert.throws(() => checkLabelNames("m", ["le"], ["le"]), /Invalid label name "le"/);
  assert.throws(() => checkLabelNames("m", ["a", "a"]), /Repeated label name "a"/);
});
