/**
 * The admin backend, assembled once per app by `createApp` (or by `boot`, which also follows
 * other instances): the guard for `/admin/*` and `/dashboard`, the channel and key services the
 * API and the dashboard share, the routes, and the overlay that adds what KV holds to every
 * gateway snapshot.
 *
 * ```ts
 * const admin = createAdmin({ holder, kv, quotas, log });
 * await admin.ready;                       // KV entries are in holder.current
 * app.route("/", admin.routes);
 * app.use("/dashboard/*", admin.guard);
 * const stop = admin.follow();             // rebuild when another instance changes KV
 * ```
 */
import type { Hono, MiddlewareHandler } from "hono";
import type { GatewayHolder, ReloadResult } from "../gateway/holder.ts";
import type { GatewayEnv } from "../ingress/route.ts";
import type { Logger } from "../log/logger.ts";
import { withoutRedirects } from "../proxy/no_redirects.ts";
import type { Quotas } from "../quota/quotas.ts";
import { ChannelService } from "./channel_service.ts";
import type { RemoteAddress } from "./client.ts";
import { followStore } from "./follow.ts";
import { KeyService } from "./key_service.ts";
import { StoredOverlay } from "./overlay.ts";
import { adminRoutes } from "./routes.ts";
import { type AdminAuth, adminGuard, DEFAULT_LOGIN_PAGE } from "./session.ts";
import { LoginThrottle } from "./throttle.ts";

export interface AdminDeps {
  holder: GatewayHolder;
  kv: Deno.Kv;
  quotas: Quotas;
  log: Pick<Logger, "info" | "warn">;
  /** For channel tests; wrapped so it never follows redirects. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The peer's address. @default unknown (every client counted as one for login failures) */
  remoteAddress?: RemoteAddress;
  /** The page browsers log in on. @default "/dashboard/login" */
  loginPage?: string;
  /** Epoch ms. @default Date.now */
  now?: () => number;
}

export interface Admin {
  /** What the guard and login routes share. */
  readonly auth: AdminAuth;
  /** Lets the admin through: the admin key as a bearer token, or a session (CSRF checked). */
  readonly guard: MiddlewareHandler;
  readonly channels: ChannelService;
  readonly keys: KeyService;
  readonly overlay: StoredOverlay;
  /** Every `/admin` route (`routes.ts`). */
  readonly routes: Hono<GatewayEnv>;
  /** Settles once the entries in KV are part of `holder.current`. */
  readonly ready: Promise<ReloadResult>;
  /** Rebuilds whenever another instance changes KV; returns a function that stops. */
  follow(): () => void;
}

export function createAdmin(deps: AdminDeps): Admin {
  const now = deps.now ?? Date.now;
  const overlay = new StoredOverlay(deps.kv, deps.log);
  const auth: AdminAuth = {
    holder: deps.holder,
    kv: deps.kv,
    remoteAddress: deps.remoteAddress ?? (() => undefined),
    throttle: new LoginThrottle(deps.kv, now),
    loginPage: deps.loginPage ?? DEFAULT_LOGIN_PAGE,
    now,
  };
  const services = { kv: deps.kv, holder: deps.holder, overlay, now };
  const channels = new ChannelService({
    ...services,
    fetch: withoutRedirects(deps.fetch ?? fetch),
  });
  const keys = new KeyService(services);
  return {
    auth,
    guard: adminGuard(auth),
    channels,
    keys,
    overlay,
    routes: adminRoutes({
      holder: deps.holder,
      kv: deps.kv,
      quotas: deps.quotas,
      auth,
      channels,
      keys,
    }),
    ready: deps.holder.setOverlay(overlay.apply),
    follow: () =>
      followStore(deps.kv, {
        applied: () => overlay.appliedVersion,
        onChange: () => deps.holder.refresh("KV changed"),
        warn: (line) => deps.log.warn(line),
      }),
  };
}
