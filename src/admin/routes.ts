/**
 * Every `/admin` route, behind one guard (`session.ts`: the admin key, or a login session with
 * its CSRF token). The list, documented in `docs/admin-api.md`:
 *
 * | route                                   | what                                             |
 * |-----------------------------------------|--------------------------------------------------|
 * | `GET  /admin/login`                     | a bare login form (open)                         |
 * | `POST /admin/login`                     | key → session cookie (open; form or JSON)        |
 * | `POST /admin/logout`                    | ends the session                                 |
 * | `GET  /admin/session`                   | who is logged in, and the CSRF token             |
 * | `POST /admin/reload`                    | reloads the config file and plugins              |
 * | `GET  /admin/providers/{model}`         | the channels that would serve a model, in order  |
 * | `GET/POST /admin/channels`              | list (file and KV) / create (KV)                 |
 * | `GET/PATCH/PUT/DELETE /admin/channels/{name}` | read / change / replace / delete           |
 * | `POST /admin/channels/{name}/enable`, `/disable`, `/test` |                                |
 * | `GET/POST /admin/keys`                  | list / create (the key is shown once)            |
 * | `GET/PATCH/PUT/DELETE /admin/keys/{name}`, `POST …/enable`, `…/disable` |                  |
 * | `POST /admin/secret/rotate`             | seals stored keys again with the new `secret`    |
 * | `GET  /admin/stats`, `GET /admin/requests`, `POST /admin/usage/reset` | usage (`usage_routes.ts`) |
 */
import { Hono } from "hono";
import { ANONYMOUS } from "../auth/key_ring.ts";
import { GatewayError } from "../errors.ts";
import type { GatewayHolder } from "../gateway/holder.ts";
import { methodNotAllowed } from "../ingress/on_error.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import type { Quotas } from "../quota/quotas.ts";
import { planRoute } from "../routing/plan.ts";
import { priceFor } from "../usage/price.ts";
import type { ChannelService } from "./channel_service.ts";
import { channelRoutes } from "./channel_routes.ts";
import type { KeyService } from "./key_service.ts";
import { keyRoutes } from "./key_routes.ts";
import { loginRoutes } from "./login_routes.ts";
import { checkSecret, SecretError } from "./secret_check.ts";
import { type AdminAuth, adminGuard } from "./session.ts";
import { usageAdminRoutes } from "./usage_routes.ts";

export interface AdminRouteDeps {
  holder: GatewayHolder;
  kv: Deno.Kv;
  quotas: Quotas;
  auth: AdminAuth;
  channels: ChannelService;
  keys: KeyService;
}

export function adminRoutes(deps: AdminRouteDeps): Hono<GatewayEnv> {
  const { holder } = deps;
  const app = new Hono<GatewayEnv>();
  const login = loginRoutes(deps.auth);
  // Registered before the guard, so they answer without it.
  app.route("/", login.open);
  app.use("/admin/*", adminGuard(deps.auth));
  app.route("/", login.guarded);

  app.post("/admin/reload", async (c) => {
    const result = await holder.reload("POST /admin/reload");
    return c.json(result, result.ok ? 200 : 422);
  });
  app.all("/admin/reload", () => methodNotAllowed("POST"));

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

  app.post("/admin/secret/rotate", async (c) => {
    let report;
    try {
      report = await checkSecret(deps.kv, holder.current.config);
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      throw new GatewayError(409, error.message, { code: "secret_mismatch" });
    }
    await holder.refresh("POST /admin/secret/rotate");
    return c.json(report);
  });
  app.all("/admin/secret/rotate", () => methodNotAllowed("POST"));

  app.route("/", channelRoutes(deps.channels));
  app.route("/", keyRoutes(deps.keys));
  app.route("/", usageAdminRoutes(holder, deps.kv, deps.quotas));
  // Nothing under /admin falls through to the proxy's catch-all.
  app.all("/admin/*", (c) => {
    throw new GatewayError(404, `Unknown admin path ${JSON.stringify(c.req.path.slice(0, 200))}`, {
      code: "not_found",
    });
  });
  return app;
}
