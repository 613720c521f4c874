/**
 * Keys: each gateway key's usage against its quota, its allow-lists and expiry; a form that
 * creates a key (the admin backend answers with the key once; the script shows it in place and
 * nowhere else), and per key stored in KV an edit link, enable/disable and revoke. `?edit=<name>`
 * fills the form with a stored key to edit it, so editing works without JavaScript too. The key
 * itself is never shown again nor changed: to rotate one, create another and revoke the old.
 */
import type { FC } from "hono/jsx";
import { adminApi } from "../admin_api.ts";
import { ActionForm, Checkbox, Field, StoredRowActions } from "../components/forms.tsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import { QuotaMeters, TableBox } from "../components/ui.tsx";
import type { KeyRow } from "../data/keys.ts";

export interface KeysProps {
  ctx: PageContext;
  rows: KeyRow[];
  /** The stored key being edited (`?edit=`), if any. */
  editing?: KeyRow;
}

export const KeysPage: FC<KeysProps> = ({ ctx, rows, editing }) => {
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
      <KeyForm ctx={ctx} editing={editing} />
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
        {row.source === "kv"
          ? <Changes ctx={ctx} row={row} />
          : <span class="hint">{loc.t("channels.from_file")}</span>}
      </td>
    </tr>
  );
};

/** Edit, enable or disable, revoke: for keys stored in KV (the file's are read-only here). */
const Changes: FC<{ ctx: PageContext; row: KeyRow }> = ({ ctx, row }) => {
  const { loc } = ctx;
  return (
    <StoredRowActions
      csrf={ctx.csrf}
      name={row.name}
      editHref={`/dashboard/keys?edit=${encodeURIComponent(row.name)}#key-form`}
      editLabel={loc.t("keys.edit")}
      toggle={row.enabled
        ? { to: adminApi.disableKey(row.name), label: loc.t("keys.disable") }
        : { to: adminApi.enableKey(row.name), label: loc.t("keys.enable") }}
      remove={{ to: adminApi.revokeKey(row.name), label: loc.t("keys.revoke") }}
    />
  );
};

/**
 * Create a key, or edit the stored one named by `?edit=`: the form holds every field a key has
 * (it is sent whole, so an emptied field is reset), never the key itself.
 */
const KeyForm: FC<{ ctx: PageContext; editing?: KeyRow }> = ({ ctx, editing }) => {
  const { loc } = ctx;
  const title = editing ? `${loc.t("keys.edit")}: ${editing.name}` : loc.t("keys.create");
  const limits = editing?.limits;
  const expiry = expiryInput(editing?.expires);
  return (
    <section id="key-form" class="card" aria-labelledby="key-form-title">
      <h2 id="key-form-title">{title}</h2>
      <ActionForm
        to={editing ? adminApi.replaceKey(editing.name) : adminApi.createKey}
        csrf={ctx.csrf}
        label={title}
        then={editing ? "reload" : "show"}
        class="grid"
      >
        <Field
          id="key-name"
          name="name"
          label={loc.t("common.name")}
          value={editing?.name}
          readonly={editing !== undefined}
          hint={editing && loc.t("keys.secret_kept")}
          required
        />
        <Field
          id="key-channels"
          name="channels"
          label={loc.t("keys.channels")}
          kind="list"
          value={editing?.channels?.join(", ")}
          hint={loc.t("keys.list_hint")}
        />
        <Field
          id="key-models"
          name="models"
          label={loc.t("keys.models")}
          kind="list"
          value={editing?.models?.join(", ")}
          placeholder="gpt-*, echo"
          hint={loc.t("keys.list_hint")}
        />
        <Field
          id="key-requests"
          name="limits.requests"
          label={loc.t("keys.limit_requests")}
          type="number"
          kind="number"
          value={limits?.requests?.toString()}
          min={1}
          step="1"
        />
        <Field
          id="key-tokens"
          name="limits.tokens"
          label={loc.t("keys.limit_tokens")}
          type="number"
          kind="number"
          value={limits?.tokens?.toString()}
          min={1}
          step="1"
        />
        <Field
          id="key-cost"
          name="limits.cost"
          label={loc.t("keys.limit_cost")}
          type="number"
          kind="number"
          value={limits?.cost?.toString()}
          min={0}
          step="any"
        />
        <Field
          id="key-reset"
          name="limits.reset"
          label={loc.t("keys.limit_reset")}
          value={limits?.reset}
          placeholder="0 0 * * *"
        />
        <Field
          id="key-timezone"
          name="limits.timezone"
          label={loc.t("keys.limit_timezone")}
          value={limits?.timezone}
          placeholder="UTC"
        />
        <Field
          id="key-expires"
          name="expires"
          label={loc.t("keys.expires")}
          type={expiry.type}
          value={expiry.value}
          hint={loc.t("keys.expires_hint")}
        />
        <Checkbox
          id="key-enabled"
          name="enabled"
          label={loc.t("common.enabled")}
          checked={editing?.enabled ?? true}
        />
        <div class="buttons">
          {editing
            ? <button type="submit" class="primary">{loc.t("common.save")}</button>
            : <button type="submit" class="primary">{loc.t("keys.create")}</button>}
          {editing && <a class="button" href="/dashboard/keys">{loc.t("common.clear")}</a>}
        </div>
        {!editing && (
          <div class="secret-once" hidden>
            <p>{loc.t("keys.created")}</p>
            <output class="secret" aria-live="assertive"></output>
          </div>
        )}
      </ActionForm>
    </section>
  );
};

/**
 * The expiry as the form shows it: a date when it falls on midnight UTC (what the date picker
 * sets), else the whole timestamp as text, which a date input would drop, so saving never moves it.
 */
function expiryInput(expires?: number): { type: "date" | "text"; value?: string } {
  if (expires === undefined) return { type: "date" };
  const iso = new Date(expires).toISOString();
  return iso.endsWith("T00:00:00.000Z")
    ? { type: "date", value: iso.slice(0, 10) }
    : { type: "text", value: iso };
}
