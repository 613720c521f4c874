import assert from "node:assert/strict";
import { Hono } from "hono";
import { type AdminIdentity, csrfField, csrfToken, loginUrl, safeNext } from "./session.ts";

Deno.test("safeNext() keeps local paths and turns anything else into /dashboard", () => {
  assert.equal(safeNext("/dashboard/keys?x=1"), "/dashboard/keys?x=1");
  assert.equal(safeNext("/admin/channels"), "/admin/channels");
  for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "", "x", 3]) {
    assert.equal(safeNext(bad), "/dashboard", String(bad));
  }
  assert.equal(safeNext("/" + "a".repeat(600)), "/dashboard");
  assert.equal(safeNext('/dashboard/x"><script>'), "/dashboard/x%22%3E%3Cscript%3E");
  assert.equal(safeNext("/a/../../b"), "/b");
});

Deno.test("loginUrl() carries where the browser was going, encoded", () => {
  assert.equal(
    loginUrl("/dashboard/login", "http://gw/dashboard/keys?tab=a&b=c"),
    "/dashboard/login?next=%2Fdashboard%2Fkeys%3Ftab%3Da%26b%3Dc",
  );
});

Deno.test("csrfToken() and csrfField() read the session's token; none for key calls", async () => {
  const app = new Hono<{ Variables: { admin: AdminIdentity } }>();
  app.get("/s", (c) => {
    c.set("admin", { via: "session", csrf: 'tok_en-1"><script>' });
    return c.text(`${csrfToken(c)}|${csrfField(c)}`);
  });
  app.get("/k", (c) => {
    c.set("admin", { via: "key" });
    return c.text(`${csrfToken(c)}|${csrfField(c)}`);
  });
  assert.equal(
    await (await app.request("/s")).text(),
    'tok_en-1"><script>|<input type="hidden" name="_csrf" value="tok_en-1script">',
  );
  assert.equal(
    await (await app.request("/k")).text(),
    '|<input type="hidden" name="_csrf" value="">',
  );
});
