/** `/admin/*`: operations on the running gateway. */
import { Hono } from "hono";
import type { GatewayHolder } from "../gateway/holder.ts";
import { adminAuth } from "./auth.ts";

export function adminRoutes(holder: GatewayHolder): Hono {
  const app = new Hono();
  app.use("/admin/*", adminAuth(holder));
  app.post("/admin/reload", async (c) => {
    const result = await holder.reload("POST /admin/reload");
    return c.json(result, result.ok ? 200 : 422);
  });
  return app;
}
