/**
 * Keys: each gateway key's usage against its quota, its allow-lists and expiry; a form that
 * creates a key (the admin backend answers with the key once; the script shows it in place and
 * nowhere else), and a revoke button per key.
 */
import type { FC } from "hono/jsx";
import { adminApi } from "../admin_api.ts";
import { ActionForm, Field } from "../components/forms.tsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import { QuotaMeters, TableBox } from "../components/ui.tsx";
import type { KeyRow } from "../data/keys.ts";

export const KeysPage: FC<{ ctx: PageContext; rows: KeyRow[] }> = ({ ctx, rows }) => {
  const { loc } = ctx;
  return (
    <Shell ctx={ctx} title={loc.t("keys.title")} page="keys">
      <section data-refresh="/dashboard/api/keys" aria-label={loc.t("keys.title")}>
        <TableBox label={loc.t("keys.title")}>
          <table class="keys">
            <thead>
              <tr>
                <th scope="col">{loc.t("common.name")}</th>
                <th scope="col">{loc.t("keys.requests_today")}</th>
                <th scope="col">{loc.t("keys.tokens_today")}</th>
                <th scope="col">{loc.t("keys.cost_today")}</th>
                <th scope="col">{loc.t("keys.quota")}</th>
                <th scope="col">{loc.t("keys.expires")}</th>
                <th scope="col">{loc.t("common.actions")}</th>
              </tr>
            </thead>
            <tbody aria-live="polite">
              {rows.length === 0 && (
                <tr>
                  <td colspan={7} class="muted">{loc.t("common.none")}</td>
                </tr>
              )}
              {rows.map((row) => <Row key={row.name} ctx={ctx} row={row} />)}
            </tbody>
          </table>
        </TableBox>
      </section>
      <CreateForm ctx={ctx} />
    </Shell>
  );
};

const Row: FC<{ ctx: PageContext; row: KeyRow }> = ({ ctx, row }) => {
  const { loc } = ctx;
  const bind = (field: string) => `key:${row.name}:${field}`;
  const list = (items?: readonly string[]) => items ? items.join(", ") : loc.t("keys.all");
  return (
    <tr>
      <th scope="row">
        <span class="name">{row.name}</span>
        {!row.enabled && <span class="badge state-disabled">{loc.t("common.disabled")}</span>}
        <span class="hint">
          {loc.t("keys.channels")}: {list(row.channels)} · {loc.t("keys.models")}:{" "}
          {list(row.models)}
        </span>
      </th>
      <td class="num">
        <span data-bind={bind("requests")}>{loc.num(row.requests)}</span>
        {row.errors > 0 && (
          <span class="hint bad">{loc.num(row.errors)} {loc.t("series.errors")}</span>
        )}
      </td>
      <td class="num" data-bind={bind("tokens")}>{loc.num(row.tokens)}</td>
      <td class="num" data-bind={bind("cost")}>{loc.usd(row.costUsd)}</td>
      <td>
        <QuotaMeters loc={loc} quota={row.quota} />
      </td>
      <td>
        {row.expires === undefined
          ? loc.t("common.never")
          : <time datetime={new Date(row.expires).toISOString()}>{loc.time(row.expires)}</time>}
        {row.expired && <span class="badge state-open">{loc.t("keys.expired")}</span>}
      </td>
      <td class="actions">
        {row.source === "file"
          ? <span class="hint">{loc.t("channels.from_file")}</span>
          : (
            <ActionForm
              to={adminApi.revokeKey(row.name)}
              csrf={ctx.csrf}
              label={`${loc.t("keys.revoke")} ${row.name}`}
              confirm={`${loc.t("keys.revoke")} ${row.name}?`}
              class="inline"
            >
              <button type="submit" class="small danger">{loc.t("keys.revoke")}</button>
            </ActionForm>
          )}
      </td>
    </tr>
  );
};

const CreateForm: FC<{ ctx: PageContext }> = ({ ctx }) => {
  const { loc } = ctx;
  return (
    <section class="card" aria-labelledby="key-form-title">
      <h2 id="key-form-title">{loc.t("keys.create")}</h2>
      <ActionForm
        to={adminApi.createKey}
        csrf={ctx.csrf}
        label={loc.t("keys.create")}
        then="show"
        class="grid"
      >
        <Field id="key-name" name="name" label={loc.t("common.name")} required />
        <Field
          id="key-channels"
          name="channels"
          label={loc.t("keys.channels")}
          kind="list"
          hint={loc.t("keys.list_hint")}
        />
        <Field
          id="key-models"
          name="models"
          label={loc.t("keys.models")}
          kind="list"
          placeholder="gpt-*, echo"
          hint={loc.t("keys.list_hint")}
        />
        <Field
          id="key-requests"
          name="limits.requests"
          label={loc.t("keys.limit_requests")}
          type="number"
          kind="number"
          min={1}
          step="1"
        />
        <Field
          id="key-tokens"
          name="limits.tokens"
          label={loc.t("keys.limit_tokens")}
          type="number"
          kind="number"
          min={1}
          step="1"
        />
        <Field
          id="key-reset"
          name="limits.reset"
          label={loc.t("keys.limit_reset")}
          placeholder="0 0 * * *"
        />
        <Field id="key-expires" name="expires" label={loc.t("keys.expires")} type="date" />
        <div class="buttons">
          <button type="submit" class="primary">{loc.t("keys.create")}</button>
        </div>
        <div class="secret-once" hidden>
          <p>{loc.t("keys.created")}</p>
          <output class="secret" aria-live="assertive"></output>
        </div>
      </ActionForm>
    </section>
  );
};
