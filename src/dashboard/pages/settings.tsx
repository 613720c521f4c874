/**
 * Settings: the running configuration as YAML with every secret masked (`mask.ts`), where it was
 * loaded from, and a button that reloads it through the admin backend.
 */
import type { FC } from "hono/jsx";
import { stringify } from "yaml";
import { adminApi } from "../admin_api.ts";
import { ActionForm } from "../components/forms.tsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import { maskedConfig } from "../mask.ts";
import type { Config } from "../../config/schema.ts";

export const SettingsPage: FC<{ ctx: PageContext; config: Config; source: string }> = (
  { ctx, config, source },
) => {
  const { loc } = ctx;
  const yaml = stringify(maskedConfig(config), { lineWidth: 0 });
  return (
    <Shell ctx={ctx} title={loc.t("settings.title")} page="settings">
      <p>{loc.t("settings.intro")}</p>
      <p>
        {loc.t("settings.source")}: <code>{source}</code>
      </p>
      <ActionForm
        to={adminApi.reload}
        csrf={ctx.csrf}
        label={loc.t("settings.reload")}
        then="show"
        class="card"
      >
        <p class="hint">{loc.t("settings.reload_hint")}</p>
        <button type="submit" class="primary">{loc.t("settings.reload")}</button>
      </ActionForm>
      <div class="table-box" role="region" aria-label={loc.t("settings.title")} tabindex={0}>
        <pre class="config"><code>{yaml}</code></pre>
      </div>
    </Shell>
  );
};
