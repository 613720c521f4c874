/** WebSocket sessions: those open now (this instance), and those recently closed (every instance). */
import type { FC } from "hono/jsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import { TableBox } from "../components/ui.tsx";
import type { OpenSession } from "../open_sessions.ts";
import type { RequestRecord } from "../../stats/record.ts";

export interface SessionsProps {
  ctx: PageContext;
  open: OpenSession[];
  recent: RequestRecord[];
  now: number;
}

export const SessionsPage: FC<SessionsProps> = ({ ctx, open, recent, now }) => {
  const { loc } = ctx;
  const seconds = (ms: number) => `${loc.num(ms / 1000, 1)} s`;
  return (
    <Shell ctx={ctx} title={loc.t("sessions.title")} page="sessions">
      <section aria-labelledby="open-title">
        <h2 id="open-title">
          {loc.t("sessions.open")}: <span data-bind="open">{loc.num(open.length)}</span>
        </h2>
        <TableBox label={loc.t("sessions.open")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{loc.t("sessions.started")}</th>
                <th scope="col">{loc.t("sessions.duration")}</th>
                <th scope="col">{loc.t("requests.key")}</th>
                <th scope="col">{loc.t("requests.channel")}</th>
                <th scope="col">{loc.t("requests.model")}</th>
                <th scope="col">{loc.t("sessions.path")}</th>
              </tr>
            </thead>
            <tbody>
              {open.length === 0 && (
                <tr>
                  <td colspan={6} class="muted">{loc.t("sessions.empty")}</td>
                </tr>
              )}
              {open.map((s) => (
                <tr>
                  <td>{loc.time(s.since)}</td>
                  <td class="num">{seconds(now - s.since)}</td>
                  <td>{s.key}</td>
                  <td>{s.channel ?? "–"}</td>
                  <td>
                    <code>{s.model ?? "–"}</code>
                  </td>
                  <td>
                    <code>{s.path}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      </section>
      <section aria-labelledby="recent-title">
        <h2 id="recent-title">{loc.t("sessions.recent")}</h2>
        <TableBox label={loc.t("sessions.recent")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{loc.t("sessions.started")}</th>
                <th scope="col">{loc.t("sessions.duration")}</th>
                <th scope="col">{loc.t("requests.key")}</th>
                <th scope="col">{loc.t("requests.channel")}</th>
                <th scope="col">{loc.t("requests.model")}</th>
                <th scope="col">{loc.t("sessions.frames")}</th>
                <th scope="col">{loc.t("sessions.bytes")}</th>
                <th scope="col">{loc.t("sessions.closed_by")}</th>
                <th scope="col">{loc.t("sessions.code")}</th>
              </tr>
            </thead>
            <tbody>
              {recent.length === 0 && (
                <tr>
                  <td colspan={9} class="muted">{loc.t("sessions.empty")}</td>
                </tr>
              )}
              {recent.map((r) => {
                const ws = r.websocket;
                return (
                  <tr>
                    <td>{loc.time(r.time)}</td>
                    <td class="num">{seconds(ws?.durationMs ?? r.latencyMs)}</td>
                    <td>{r.key}</td>
                    <td>{r.channel ?? "–"}</td>
                    <td>
                      <code>{r.model ?? "–"}</code>
                    </td>
                    <td class="num">{ws ? `${ws.framesUp} / ${ws.framesDown}` : "–"}</td>
                    <td class="num">
                      {ws ? `${loc.num(ws.bytesUp)} / ${loc.num(ws.bytesDown)}` : "–"}
                    </td>
                    <td>{ws?.closedBy ?? "–"}</td>
                    <td class="num">
                      {ws?.closeCode ?? r.status}
                      {r.error && <span class="hint">{r.error}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableBox>
      </section>
    </Shell>
  );
};
