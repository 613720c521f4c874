import assert from "node:assert/strict";
import YAML from "yaml";
import { substitute, substituteDocument } from "./env.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("substitute() uses the value, then the default, then reports unset", () => {
  const unset: string[] = [];
  const out = substitute(
    "${A}-${B:-dflt}-${C}",
    env({ A: "a" }),
    (name) => unset.push(name),
  );
  assert.equal(out, "a-dflt-");
  assert.deepEqual(unset, ["C"]);
});

Deno.test("substitute() treats an empty variable as unset so defaults apply", () => {
  assert.equal(substitute("${A:-x}", env({ A: "" }), () => {}), "x");
});

Deno.test("substituteDocument() types unquoted values and keeps quoted ones strings", () => {
  const doc = YAML.parseDocument('port: ${PORT}\nname: "${PORT}"\nflag: ${ON:-true}\n');
  substituteDocument(doc, env({ PORT: "9000" }));
  assert.deepEqual(doc.toJS(), { port: 9000, name: "9000", flag: true });
});

Deno.test("substituteDocument() never turns a value into YAML structure", () => {
  const doc = YAML.parseDocument("key: ${EVIL}\n");
  substituteDocument(doc, env({ EVIL: "a: b\nc: [d]" }));
  assert.deepEqual(doc.toJS(), { key: "a: b\nc: [d]" });
});

Deno.test("substituteDocument() reports the YAML path of unset variables", () => {
  const doc = YAML.parseDocument(
    'channels:\n  - name: a\n    keys: [x]\n  - name: b\n    keys: ["${B_KEY}"]\n',
  );
  const unset = substituteDocument(doc, env({}));
  assert.deepEqual(unset, [{ path: ["channels", 1, "keys", 0], name: "B_KEY" }]);
});
