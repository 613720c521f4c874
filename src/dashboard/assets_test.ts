import assert from "node:assert/strict";
// The vendored copy must be npm:uplot's own files: importing its types makes Deno fetch the
// package, whose files the test then compares byte for byte.
import type uPlot from "uplot";
import { Assets } from "./assets.ts";

type _UPlotOptions = uPlot.Options;

Deno.test("Assets links each file by a name holding its content hash", async () => {
  const read = (url: URL) =>
    new TextEncoder().encode(`contents of ${url.pathname.split("/").at(-1)}`);
  const assets = new Assets(read);
  const href = assets.href("app.js");
  assert.match(href, /^\/dashboard\/assets\/app\.[0-9a-f]{10}\.js$/);
  const app = assets.routes();
  const hashed = await app.request(href);
  assert.equal(hashed.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(await hashed.text(), "contents of app.js");
  const plain = await app.request("/dashboard/assets/app.js");
  assert.equal(plain.headers.get("cache-control"), "no-cache");
  const etag = plain.headers.get("etag")!;
  await plain.body?.cancel();
  const again = await app.request("/dashboard/assets/app.js", {
    headers: { "if-none-match": etag },
  });
  assert.equal(again.status, 304);
  assert.equal((await app.request("/dashboard/assets/app.0000000000.js")).status, 404);
});

Deno.test("the vendored uPlot is npm:uplot's own build, byte for byte, with its license", async () => {
  const vendored = (name: string) =>
    Deno.readFile(new URL(`./assets/vendor/${name}`, import.meta.url));
  const js = new TextDecoder().decode(await vendored("uPlot.iife.min.js"));
  const version = /^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v([\d.]+)\) \*\//.exec(js)?.[1];
  assert.ok(version, "the vendored file names its version");
  const info = new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" });
  const { npmCache } = JSON.parse(new TextDecoder().decode((await info.output()).stdout));
  const pkg = `${npmCache}/registry.npmjs.org/uplot/${version}`;
  for (
    const [mine, theirs] of [
      ["uPlot.iife.min.js", "dist/uPlot.iife.min.js"],
      ["uPlot.min.css", "dist/uPlot.min.css"],
      ["uPlot.LICENSE", "LICENSE"],
    ]
  ) {
    assert.deepEqual(await vendored(mine), await Deno.readFile(`${pkg}/${theirs}`), mine);
  }
});

Deno.test("Assets without read access still link by plain name and answer 404", async () => {
  const assets = new Assets(() => {
    throw new Deno.errors.NotCapable('Requires read access to "src/dashboard/assets"');
  });
  assert.equal(assets.href("app.css"), "/dashboard/assets/app.css");
  assert.equal((await assets.routes().request("/dashboard/assets/app.css")).status, 404);
});
