/** `/admin/*`: operations on the running gateway. */
import { Hono } from "hono";
import { ANONYMOUS } from "../auth/key_ring.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { priceFor } from "../usage/price.ts";
import { planRoute } from "../routing/plan.ts";
import { adminAuth } from "./auth.ts";

export function adminRoutes(holder: GatewayHolder): Hono {
  const app = new Hono();
  app.use("/admin/*", adminAuth(holder));

  app.post("/admin/reload", async (c) => {
    const result = await holder.reload("POST /admin/reload");
    return c.json(result, result.ok ? 200 : 422);
  });

  // Which channels would serve a model, in the order the next request would try them.
  app.get("/admin/providers/:model{.+}", (c) => {
    const gateway = holder.current;
    const requested = c.req.param("model");
    // The plan an unrestricted key's chat request would get, in the order it would try.
    const plan = planRoute({ gateway, key: ANONYMOUS, requested, endpoint: "chat" });
    return c.json({
      model: plan.model,
      strategy: plan.strategy,
      providers: plan.candidates.map(({ channel, upstreamModel }) => ({
        channel: channel.name,
        plugin: channel.plugin.name,
        upstream_model: upstreamModel,
        priority: channel.config.priority,
        weight: channel.config.weight,
        price: priceFor(channel.config.price, plan.model, upstreamModel) ?? null,
        max_context_tokens: channel.config.max_context_tokens ?? null,
        keys: channel.keys.size,
        keys_set_aside: channel.keys.asideCount(),
        ...gateway.health.snapshot(channel.name),
      })),
    });
  });
  return app;
}
