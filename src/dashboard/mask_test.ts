import assert from "node:assert/strict";
import { parseConfig } from "../config/load.ts";
import { maskedConfig, maskSecret, maskTree } from "./mask.ts";

const SECRETS = {
  ADMIN: "admin-key-0123456789abcdef",
  SECRET: "seal-secret-0123456789",
  UPSTREAM: "sk-upstream-0123456789abcdef",
  GATEWAY: "sk-gateway-0123456789abcdef",
  HEADER: "hdr-0123456789abcdef",
  OPTION: "opt-0123456789abcdef",
  METRICS: "metrics-0123456789",
  URLPASS: "urlpass0123456789",
};

const YAML = `
admin: { key: "\${ADMIN}" }
secret: "\${SECRET}"
metrics: { key: "\${METRICS}" }
channels:
  - name: up
    plugin: openai
    base_url: "https://user:\${URLPASS}@api.example.com/v1"
    keys: ["\${UPSTREAM}"]
    models: [m]
    headers: { X-Api-Key: "\${HEADER}", X-Team: research, X-Custom: "Bearer \${HEADER}" }
    options: { nested: { access_token: "\${OPTION}" } }
keys:
  - name: alice
    key: "\${GATEWAY}"
`;

Deno.test("maskedConfig() leaves no secret of the config in what it shows", () => {
  const config = parseConfig(YAML, "test.yaml", (name) => SECRETS[name as keyof typeof SECRETS])
    .config;
  const shown = JSON.stringify(maskedConfig(config));
  for (const [name, secret] of Object.entries(SECRETS)) {
    assert.ok(!shown.includes(secret), `${name} shown in ${shown}`);
  }
  // What is not secret stays as it runs.
  assert.deepEqual(shown.includes('"X-Team":"research"'), true);
  assert.deepEqual(shown.includes('"name":"alice"'), true);
});

Deno.test("maskedConfig() masks the admin key whole and hints at long upstream keys", () => {
  const config = parseConfig(YAML, "test.yaml", (name) => SECRETS[name as keyof typeof SECRETS])
    .config;
  const shown = maskedConfig(config) as {
    admin: { key: string };
    channels: { keys: string[] }[];
  };
  assert.deepEqual(shown.admin.key, "••••");
  assert.deepEqual(shown.channels[0].keys, ["••••cdef"]);
});

Deno.test("maskTree() masks a secret in a field it has never heard of", () => {
  assert.deepEqual(maskTree({ future: { client_secret: "abc" } }, ""), {
    future: { client_secret: "••••" },
  });
  assert.deepEqual(maskTree({ anything: "sk-live-abcdefghijkl" }, ""), { anything: "••••ijkl" });
  assert.deepEqual(maskTree({ anything: "sk-live-abcdefghijkl" }, "", false), { anything: "••••" });
  assert.deepEqual(maskSecret(""), "");
});
