/**
 * Requests: the recent-request log, newest first, filtered by key, channel, model, status and
 * time with a plain GET form (so a filtered view works without JavaScript and can be shared).
 */
import type { FC } from "hono/jsx";
import { Field } from "../components/forms.tsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import { TableBox } from "../components/ui.tsx";
import type { RequestFilters } from "../data/requests.ts";
import type { RequestRecord } from "../../stats/record.ts";

export interface RequestsProps {
  ctx: PageContext;
  filters: RequestFilters;
  records: RequestRecord[];
}

export const RequestsPage: FC<RequestsProps> = ({ ctx, filters, records }) => {
  const { loc } = ctx;
  return (
    <Shell ctx={ctx} title={loc.t("requests.title")} page="requests">
      <form
        method="get"
        action="/dashboard/requests"
        class="card grid filters"
        role="search"
        aria-label={loc.t("common.filter")}
      >
        <Field id="f-key" name="key" label={loc.t("requests.key")} value={filters.key} />
        <Field
          id="f-channel"
          name="channel"
          label={loc.t("requests.channel")}
          value={filters.channel}
        />
        <Field id="f-model" name="model" label={loc.t("requests.model")} value={filters.model} />
        <Field
          id="f-status"
          name="status"
          label={loc.t("requests.status")}
          value={filters.status}
          hint={loc.t("requests.status_hint")}
        />
        <Field
          id="f-from"
          name="from"
          label={`${loc.t("requests.from")} (UTC)`}
          type="datetime-local"
          value={filters.from}
        />
        <Field
          id="f-to"
          name="to"
          label={`${loc.t("requests.to")} (UTC)`}
          type="datetime-local"
          value={filters.to}
        />
        <div class="buttons">
          <button type="submit" class="primary">{loc.t("common.filter")}</button>
          <a class="button" href="/dashboard/requests">{loc.t("common.clear")}</a>
        </div>
      </form>
      <TableBox label={loc.t("requests.title")}>
        <table class="requests">
          <thead>
            <tr>
              <th scope="col">{loc.t("common.time")}</th>
              <th scope="col">{loc.t("requests.status")}</th>
              <th scope="col">{loc.t("requests.key")}</th>
              <th scope="col">{loc.t("requests.endpoint")}</th>
              <th scope="col">{loc.t("requests.model")}</th>
              <th scope="col">{loc.t("requests.channel")}</th>
              <th scope="col">{loc.t("requests.tokens")}</th>
              <th scope="col">{loc.t("requests.cost")}</th>
              <th scope="col">{loc.t("requests.latency")}</th>
              <th scope="col">{loc.t("requests.attempts")}</th>
            </tr>
          </thead>
          <tbody>
            {records.length === 0 && (
              <tr>
                <td colspan={10} class="muted">{loc.t("requests.empty")}</td>
              </tr>
            )}
            {records.map((r) => (
              <tr>
                <td>
                  <time datetime={new Date(r.time).toISOString()}>{loc.time(r.time)}</time>
                </td>
                <td>
                  <span class={`status s${Math.floor(r.status / 100)}xx`}>{r.status}</span>
                  {r.error && <span class="hint" title={loc.t("requests.error")}>{r.error}</span>}
                </td>
                <td>{r.key}</td>
                <td>
                  {r.endpoint}
                  {r.stream && <span class="hint">stream</span>}
                  {r.protocol === "websocket" && <span class="hint">WebSocket</span>}
                </td>
                <td>
                  <code>{r.model ?? "–"}</code>
                </td>
                <td>{r.channel ?? "–"}</td>
                <td class="num">
                  {r.usage ? `${loc.num(r.usage.prompt)} / ${loc.num(r.usage.completion)}` : "–"}
                  {r.usage?.estimated && <span class="hint">≈</span>}
                </td>
                <td class="num">{r.costUsd === undefined ? "–" : loc.usd(r.costUsd)}</td>
                <td class="num">{loc.ms(r.latencyMs)}</td>
                <td class="num">{r.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </Shell>
  );
};
