/**
 * Channels: each one's health (breaker, latency, last error), quota left with its reset time,
 * last day's traffic and cost, and whether it is enabled; forms to add, edit, disable, delete and
 * test, posting to the admin backend. `?edit=<name>` fills the form with a channel to edit it,
 * so editing works without JavaScript too.
 */
import type { FC } from "hono/jsx";
import { adminApi } from "../admin_api.ts";
import { ActionForm, Checkbox, Field, StoredRowActions, TextArea } from "../components/forms.tsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import { QuotaMeters, StateBadge, TableBox } from "../components/ui.tsx";
import type { ChannelRow } from "../data/channels.ts";

export interface ChannelsProps {
  ctx: PageContext;
  rows: ChannelRow[];
  plugins: string[];
  /** The channel being edited (`?edit=`), if any. */
  editing?: ChannelRow;
}

export const ChannelsPage: FC<ChannelsProps> = ({ ctx, rows, plugins, editing }) => {
  const { loc } = ctx;
  return (
    <Shell ctx={ctx} title={loc.t("channels.title")} page="channels">
      <section data-refresh="/dashboard/api/channels" aria-label={loc.t("channels.title")}>
        <TableBox label={loc.t("channels.title")}>
          <table class="channels">
            <thead>
              <tr>
                <th scope="col">{loc.t("common.name")}</th>
                <th scope="col">{loc.t("channels.state")}</th>
                <th scope="col">{loc.t("channels.latency")}</th>
                <th scope="col">{loc.t("channels.requests_today")}</th>
                <th scope="col">{loc.t("channels.cost_today")}</th>
                <th scope="col">{loc.t("channels.quota")}</th>
                <th scope="col">{loc.t("common.actions")}</th>
              </tr>
            </thead>
            <tbody aria-live="polite">
              {rows.map((row) => <Row key={row.name} ctx={ctx} row={row} />)}
            </tbody>
          </table>
        </TableBox>
      </section>
      <ChannelForm ctx={ctx} plugins={plugins} editing={editing} />
    </Shell>
  );
};

const Row: FC<{ ctx: PageContext; row: ChannelRow }> = ({ ctx, row }) => {
  const { loc } = ctx;
  const bind = (field: string) => `channel:${row.name}:${field}`;
  return (
    <tr>
      <th scope="row">
        <span class="name">{row.name}</span>
        <span class="hint">{row.plugin}{row.baseUrl && ` · ${row.baseUrl}`}</span>
      </th>
      <td>
        <StateBadge loc={loc} state={row.state} bind={bind("state")} />
        {row.reason && row.reason !== "disabled" && <span class="hint">{row.reason}</span>}
        {row.lastError && (
          <span class="hint" title={loc.t("channels.last_error")}>{row.lastError}</span>
        )}
      </td>
      <td class="num" data-bind={bind("latency")}>{loc.ms(row.latencyMs)}</td>
      <td class="num">
        <span data-bind={bind("requests")}>{loc.num(row.requests)}</span>
        {row.errors > 0 && (
          <span class="hint bad">{loc.num(row.errors)} {loc.t("series.errors")}</span>
        )}
      </td>
      <td class="num" data-bind={bind("cost")}>{loc.usd(row.costUsd)}</td>
      <td>
        <QuotaMeters loc={loc} quota={row.quota} />
      </td>
      <td class="actions">
        {row.source === "kv"
          ? <Changes ctx={ctx} row={row} />
          : <span class="hint">{loc.t("channels.from_file")}</span>}
        <ActionForm
          to={adminApi.testChannel(row.name)}
          csrf={ctx.csrf}
          label={`${loc.t("channels.test")} ${row.name}`}
          then="show"
          class="inline"
        >
          <button type="submit" class="small">{loc.t("channels.test")}</button>
        </ActionForm>
      </td>
    </tr>
  );
};

/** Edit, enable or disable, delete: for channels stored in KV (the file's are read-only here). */
const Changes: FC<{ ctx: PageContext; row: ChannelRow }> = ({ ctx, row }) => {
  const { loc } = ctx;
  return (
    <StoredRowActions
      csrf={ctx.csrf}
      name={row.name}
      editHref={`/dashboard/channels?edit=${encodeURIComponent(row.name)}#channel-form`}
      editLabel={loc.t("channels.edit")}
      toggle={row.enabled
        ? { to: adminApi.disableChannel(row.name), label: loc.t("channels.disable") }
        : { to: adminApi.enableChannel(row.name), label: loc.t("channels.enable") }}
      remove={{ to: adminApi.deleteChannel(row.name), label: loc.t("common.delete") }}
    />
  );
};

/** Add a channel, or edit the one named by `?edit=` (its keys are never sent back). */
const ChannelForm: FC<{ ctx: PageContext; plugins: string[]; editing?: ChannelRow }> = (
  { ctx, plugins, editing },
) => {
  const { loc } = ctx;
  const title = editing ? `${loc.t("channels.edit")}: ${editing.name}` : loc.t("channels.add");
  return (
    <section id="channel-form" class="card" aria-labelledby="channel-form-title">
      <h2 id="channel-form-title">{title}</h2>
      <ActionForm
        to={editing ? adminApi.updateChannel(editing.name) : adminApi.createChannel}
        csrf={ctx.csrf}
        label={title}
        class="grid"
      >
        <Field
          id="ch-name"
          name="name"
          label={loc.t("common.name")}
          value={editing?.name}
          required
        />
        <div class="field">
          <label for="ch-plugin">{loc.t("channels.plugin")}</label>
          <select id="ch-plugin" name="plugin" required>
            {plugins.map((p) => (
              <option value={p} selected={p === (editing?.plugin ?? "openai")}>{p}</option>
            ))}
          </select>
        </div>
        <Field
          id="ch-base"
          name="base_url"
          label={loc.t("channels.base_url")}
          type="url"
          value={editing?.baseUrl}
          placeholder="https://api.example.com/v1"
        />
        <Field
          id="ch-models"
          name="models"
          label={loc.t("channels.models")}
          kind="list"
          value={editing?.models}
          hint={loc.t("channels.models_hint")}
        />
        <TextArea
          id="ch-keys"
          name="keys"
          label={loc.t("channels.keys")}
          kind="lines"
          hint={editing ? loc.t("channels.keys_keep") : loc.t("channels.keys_hint")}
        />
        <Field
          id="ch-priority"
          name="priority"
          label={loc.t("channels.priority")}
          type="number"
          kind="number"
          value={String(editing?.priority ?? 1)}
          step="1"
        />
        <Field
          id="ch-weight"
          name="weight"
          label={loc.t("channels.weight")}
          type="number"
          kind="number"
          value={String(editing?.weight ?? 1)}
          min={0}
          step="any"
        />
        <Checkbox
          id="ch-enabled"
          name="enabled"
          label={loc.t("common.enabled")}
          checked={editing?.enabled ?? true}
        />
        <div class="buttons">
          <button type="submit" class="primary">{loc.t("common.save")}</button>
          {editing && <a class="button" href="/dashboard/channels">{loc.t("common.clear")}</a>}
        </div>
      </ActionForm>
    </section>
  );
};
