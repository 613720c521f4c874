/**
 * `/admin/keys`: list, read, create (the key is in the 201 answer, this once), update,
 * enable/disable and delete gateway keys (`key_service.ts`). JSON in and out.
 */
import { Hono } from "hono";
import { methodNotAllowed } from "../ingress/on_error.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import type { KeyService } from "./key_service.ts";
import { jsonBody } from "./json_body.ts";

export function keyRoutes(keys: KeyService): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/admin/keys", async (c) => c.json({ object: "list", data: await keys.list() }));
  app.post("/admin/keys", async (c) => {
    const { key, view } = await keys.create(await jsonBody(c));
    c.header("cache-control", "no-store");
    return c.json({ ...view, key, key_hint: view.key }, 201);
  });
  app.all("/admin/keys", () => methodNotAllowed("GET, POST"));

  app.get("/admin/keys/:name", async (c) => c.json(await keys.get(c.req.param("name"))));
  app.patch(
    "/admin/keys/:name",
    async (c) => c.json(await keys.update(c.req.param("name"), await jsonBody(c))),
  );
  app.put(
    "/admin/keys/:name",
    async (c) => c.json(await keys.update(c.req.param("name"), await jsonBody(c), true)),
  );
  app.delete("/admin/keys/:name", async (c) => {
    await keys.remove(c.req.param("name"));
    return c.json({ name: c.req.param("name"), deleted: true });
  });
  app.all("/admin/keys/:name", () => methodNotAllowed("GET, PATCH, PUT, DELETE"));

  app.post(
    "/admin/keys/:name/enable",
    async (c) => c.json(await keys.setEnabled(c.req.param("name"), true)),
  );
  app.post(
    "/admin/keys/:name/disable",
    async (c) => c.json(await keys.setEnabled(c.req.param("name"), false)),
  );
  for (const action of ["enable", "disable"]) {
    app.all(`/admin/keys/:name/${action}`, () => methodNotAllowed("POST"));
  }
  return app;
}
