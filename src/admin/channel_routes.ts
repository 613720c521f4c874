/**
 * `/admin/channels`: list, read, create, update, enable/disable, delete and test channels
 * (`channel_service.ts`). JSON in and out; errors OpenAI-shaped.
 */
import { Hono } from "hono";
import { z } from "zod";
import { parseBody } from "../ingress/body.ts";
import { methodNotAllowed } from "../ingress/on_error.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import type { ChannelService } from "./channel_service.ts";
import { jsonBody } from "./json_body.ts";

const TestRequest = z.strictObject({ model: z.string().min(1).max(256).optional() });

export function channelRoutes(channels: ChannelService): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/admin/channels", async (c) => c.json({ object: "list", data: await channels.list() }));
  app.post("/admin/channels", async (c) => c.json(await channels.create(await jsonBody(c)), 201));
  app.all("/admin/channels", () => methodNotAllowed("GET, POST"));

  app.get("/admin/channels/:name", async (c) => c.json(await channels.get(c.req.param("name"))));
  app.patch(
    "/admin/channels/:name",
    async (c) => c.json(await channels.update(c.req.param("name"), await jsonBody(c))),
  );
  app.put(
    "/admin/channels/:name",
    async (c) => c.json(await channels.update(c.req.param("name"), await jsonBody(c), true)),
  );
  app.delete("/admin/channels/:name", async (c) => {
    await channels.remove(c.req.param("name"));
    return c.json({ name: c.req.param("name"), deleted: true });
  });
  app.all("/admin/channels/:name", () => methodNotAllowed("GET, PATCH, PUT, DELETE"));

  app.post(
    "/admin/channels/:name/enable",
    async (c) => c.json(await channels.setEnabled(c.req.param("name"), true)),
  );
  app.post(
    "/admin/channels/:name/disable",
    async (c) => c.json(await channels.setEnabled(c.req.param("name"), false)),
  );
  app.post("/admin/channels/:name/test", async (c) => {
    const text = await c.req.text();
    const { model } = text.trim() === "" ? {} : parseBody(text, TestRequest);
    return c.json(await channels.test(c.req.param("name"), model));
  });
  for (const action of ["enable", "disable", "test"]) {
    app.all(`/admin/channels/:name/${action}`, () => methodNotAllowed("POST"));
  }
  return app;
}
