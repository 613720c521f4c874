/**
 * The login page: a plain form posting the admin key to the admin backend's `POST /admin/login`,
 * which sets the session cookie and sends the browser on to `next`; a failed login comes back
 * here with `?error=<code>` (the backend's `LOGIN_ERRORS` codes), shown translated. Works
 * without JavaScript.
 */
import type { FC } from "hono/jsx";
import { adminApi } from "../admin_api.ts";
import { type PageContext, Shell } from "../components/layout.tsx";
import type { MessageKey } from "../i18n/mod.ts";

/** The admin backend's login error codes, and our words for them. */
const ERRORS: Readonly<Record<string, MessageKey>> = {
  invalid_key: "login.invalid_key",
  missing_key: "login.missing_key",
  throttled: "login.throttled",
  csrf_failed: "login.csrf_failed",
  admin_disabled: "login.admin_disabled",
};

export interface LoginProps {
  ctx: PageContext;
  /** Where to go once signed in (a `/dashboard` path). */
  next: string;
  /** `?error=` from the backend. */
  error?: string;
  /** `?retry_after=` seconds, with `throttled`. */
  retryAfter?: string;
  loggedOut?: boolean;
}

export const LoginPage: FC<LoginProps> = ({ ctx, next, error, retryAfter, loggedOut }) => {
  const { loc } = ctx;
  const problem = error !== undefined && Object.hasOwn(ERRORS, error) ? ERRORS[error] : undefined;
  const wait = retryAfter && /^\d{1,6}$/.test(retryAfter) ? retryAfter : undefined;
  return (
    <Shell ctx={ctx} title={loc.t("login.title")}>
      <form method="post" action={adminApi.login} class="card login">
        {problem && (
          <p class="alert" role="alert">
            {loc.t(problem)}
            {wait && ` (${loc.t("login.wait")}: ${wait})`}
          </p>
        )}
        {loggedOut && !problem && <p role="status">{loc.t("login.logged_out")}</p>}
        <p>{loc.t("login.intro")}</p>
        <input type="hidden" name="next" value={next} />
        <div class="field">
          <label for="login-key">{loc.t("login.key")}</label>
          <input
            id="login-key"
            name="key"
            type="password"
            required
            autocomplete="current-password"
            autofocus
          />
        </div>
        <div class="buttons">
          <button type="submit" class="primary">{loc.t("login.submit")}</button>
        </div>
      </form>
    </Shell>
  );
};
