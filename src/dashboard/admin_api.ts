/**
 * Where the dashboard's forms post: the admin backend's endpoints (`src/admin/routes.ts`), named
 * here and nowhere else, with the HTTP method each expects. They take JSON only, so changing
 * things needs the dashboard's script; reading never does. HTML forms only send GET and POST, so a form carries the
 * real method in `_method` (Hono's `methodOverride` convention) and in `data-method`, which the
 * dashboard's script uses to send it as is, with a JSON body and the CSRF token in a header.
 */

const at = (name: string) => encodeURIComponent(name);

export interface AdminAction {
  action: string;
  method: "POST" | "PUT" | "PATCH" | "DELETE";
}

export const adminApi = {
  login: "/admin/login",
  logout: "/admin/logout",
  reload: { action: "/admin/reload", method: "POST" },
  createChannel: { action: "/admin/channels", method: "POST" },
  updateChannel: (name: string) => ({ action: `/admin/channels/${at(name)}`, method: "PATCH" }),
  enableChannel: (name: string) => ({
    action: `/admin/channels/${at(name)}/enable`,
    method: "POST",
  }),
  disableChannel: (name: string) => ({
    action: `/admin/channels/${at(name)}/disable`,
    method: "POST",
  }),
  deleteChannel: (name: string) => ({ action: `/admin/channels/${at(name)}`, method: "DELETE" }),
  testChannel: (name: string) => ({ action: `/admin/channels/${at(name)}/test`, method: "POST" }),
  createKey: { action: "/admin/keys", method: "POST" },
  // PUT, not PATCH: the edit form holds every field a key has, so a field left empty is reset
  // (allow all models, no limit, no expiry) instead of keeping its old value.
  replaceKey: (name: string) => ({ action: `/admin/keys/${at(name)}`, method: "PUT" }),
  enableKey: (name: string) => ({ action: `/admin/keys/${at(name)}/enable`, method: "POST" }),
  disableKey: (name: string) => ({ action: `/admin/keys/${at(name)}/disable`, method: "POST" }),
  revokeKey: (name: string) => ({ action: `/admin/keys/${at(name)}`, method: "DELETE" }),
} as const satisfies Record<string, string | AdminAction | ((name: string) => AdminAction)>;
