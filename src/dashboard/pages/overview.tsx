/**
 * Overview: the headline figures over a range (requests, errors, tokens, cost, latency, HTTP
 * against WebSocket, the gateway's own overhead), a chart of each over time, and the same data as
 * a table for readers without JavaScript or a screen. The figures and charts refresh from
 * `/dashboard/api/overview` every few seconds; the figures are a polite live region.
 */
import type { FC } from "hono/jsx";
import { Figure, TableBox } from "../components/ui.tsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import type { MessageKey } from "../i18n/mod.ts";
import { chartColumns, type Overview, overviewFigures, type Range } from "../data/overview.ts";

const RANGE_LABELS: Record<Range, MessageKey> = {
  hour: "range.hour",
  day: "range.day",
  week: "range.week",
};

/** Each chart: its title and the series it draws (keys of `chartColumns`), with their labels. */
const CHARTS: readonly {
  id: string;
  title: MessageKey;
  series: [string, MessageKey][];
  /** Draw each bucket as a dot too (series with gaps). */
  points?: boolean;
}[] = [
  {
    id: "requests",
    title: "chart.requests",
    series: [["requests", "series.requests"], ["errors", "series.errors"]],
  },
  {
    id: "tokens",
    title: "chart.tokens",
    series: [["prompt", "series.prompt"], ["completion", "series.completion"]],
  },
  { id: "cost", title: "chart.cost", series: [["cost", "series.cost"]] },
  {
    id: "latency",
    title: "chart.latency",
    series: [["p50", "series.p50"], ["p95", "series.p95"]],
    points: true,
  },
  {
    id: "protocols",
    title: "chart.protocols",
    series: [["http", "series.http"], ["websocket", "series.websocket"]],
  },
  {
    id: "overhead",
    title: "chart.overhead",
    series: [["overhead", "series.overhead"]],
    points: true,
  },
];

export const OverviewPage: FC<{ ctx: PageContext; data: Overview }> = ({ ctx, data }) => {
  const { loc } = ctx;
  const f = overviewFigures(data, loc);
  const api = `/dashboard/api/overview?range=${data.range}`;
  return (
    <Shell ctx={ctx} title={loc.t("overview.title")} page="overview" charts>
      <nav class="ranges" aria-label={loc.t("range.label")}>
        {(Object.keys(RANGE_LABELS) as Range[]).map((r) => (
          <a href={`/dashboard?range=${r}`} aria-current={r === data.range ? "true" : undefined}>
            {loc.t(RANGE_LABELS[r])}
          </a>
        ))}
      </nav>
      <section data-refresh={api} aria-labelledby="figures-title">
        <h2 id="figures-title" class="sr">{loc.t(RANGE_LABELS[data.range])}</h2>
        <p class="hint live-note">{loc.t("common.live")}</p>
        <dl class="figures" aria-live="polite">
          <Figure label={loc.t("overview.requests")} value={f.requests} bind="requests" />
          <Figure
            label={loc.t("overview.errors")}
            value={f.errors}
            bind="errors"
            hint={f.error_rate}
          />
          <Figure
            label={loc.t("overview.tokens")}
            value={f.tokens}
            bind="tokens"
            hint={`${loc.t("overview.tokens_split")}: ${f.tokens_split}`}
          />
          <Figure label={loc.t("overview.cost")} value={f.cost} bind="cost" />
          <Figure label={loc.t("overview.latency")} value={f.latency} bind="latency" />
          <Figure label={loc.t("overview.protocols")} value={f.protocols} bind="protocols" />
          <Figure
            label={loc.t("overview.overhead")}
            value={f.overhead}
            bind="overhead"
            hint={loc.t("overview.overhead_hint")}
          />
          <Figure label={loc.t("overview.active")} value={f.active} bind="active" />
          <Figure label={loc.t("overview.sessions_open")} value={f.sessions} bind="sessions" />
        </dl>
        <div class="charts" data-columns={JSON.stringify(chartColumns(data.points))}>
          {CHARTS.map((chart) => (
            <figure class="chart-card">
              <figcaption id={`chart-${chart.id}`}>{loc.t(chart.title)}</figcaption>
              <div
                class="chart"
                data-chart={chart.id}
                data-series={chart.series.map(([key]) => key).join(",")}
                data-labels={JSON.stringify(chart.series.map(([, label]) => loc.t(label)))}
                data-points={chart.points ? "1" : undefined}
                role="img"
                aria-labelledby={`chart-${chart.id}`}
              >
              </div>
            </figure>
          ))}
        </div>
      </section>
      <DataTable ctx={ctx} data={data} />
    </Shell>
  );
};

/** Buckets with traffic, newest first: the charts' data for those who cannot see them. */
const DataTable: FC<{ ctx: PageContext; data: Overview }> = ({ ctx, data }) => {
  const { loc } = ctx;
  const rows = data.points.filter((p) => p.requests > 0).reverse();
  return (
    <details class="data">
      <summary>{loc.t("common.data")}</summary>
      <TableBox label={loc.t("common.data")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{loc.t("common.time")}</th>
              <th scope="col">{loc.t("series.requests")}</th>
              <th scope="col">{loc.t("series.errors")}</th>
              <th scope="col">{loc.t("series.prompt")}</th>
              <th scope="col">{loc.t("series.completion")}</th>
              <th scope="col">{loc.t("series.cost")}</th>
              <th scope="col">p50 / p95</th>
              <th scope="col">{loc.t("overview.protocols")}</th>
              <th scope="col">{loc.t("series.overhead")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr>
                <th scope="row">{loc.time(p.t * 1000)}</th>
                <td class="num">{loc.num(p.requests)}</td>
                <td class="num">{loc.num(p.errors)}</td>
                <td class="num">{loc.num(p.prompt)}</td>
                <td class="num">{loc.num(p.completion)}</td>
                <td class="num">{loc.usd(p.cost)}</td>
                <td class="num">{loc.ms(p.p50)} / {loc.ms(p.p95)}</td>
                <td class="num">{loc.num(p.http)} / {loc.num(p.websocket)}</td>
                <td class="num">{loc.ms(p.overhead)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </details>
  );
};
