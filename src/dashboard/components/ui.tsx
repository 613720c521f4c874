/**
 * Small building blocks of the pages: a figure card whose value auto-refresh can replace, a
 * table wrapper that scrolls inside itself on a phone (so the page never scrolls sideways), a
 * breaker badge, and a quota meter.
 */
import type { Child, FC } from "hono/jsx";
import type { Locale } from "../i18n/mod.ts";
import type { BreakerState } from "../../routing/health.ts";

/** A headline figure; `bind` names it in the page's JSON so a refresh can update it in place. */
export const Figure: FC<{ label: string; value: string; hint?: string; bind?: string }> = (
  { label, value, hint, bind },
) => (
  <div class="figure">
    <dt>{label}</dt>
    <dd>
      <span class="value" data-bind={bind}>{value}</span>
      {hint && <span class="hint">{hint}</span>}
    </dd>
  </div>
);

/** A table that scrolls within its own box; focusable so a keyboard can scroll it too. */
export const TableBox: FC<{ label: string; children?: Child }> = ({ label, children }) => (
  <div class="table-box" role="region" aria-label={label} tabindex={0}>
    {children}
  </div>
);

export type ChannelState = BreakerState | "disabled" | "skipped";

export const StateBadge: FC<{ loc: Locale; state: ChannelState; bind?: string }> = (
  { loc, state, bind },
) => (
  <span class={`badge state-${state}`} data-bind={bind} data-state={state}>
    {loc.t(`state.${state}`)}
  </span>
);

/** One quota line: what is left of a limit, as a meter with the figures beside it. */
export interface QuotaLine {
  metric: string;
  limit: number;
  remaining: number;
  resetsAt: number;
}

export const QuotaMeters: FC<{ loc: Locale; quota: readonly QuotaLine[] }> = ({ loc, quota }) => {
  if (quota.length === 0) return <span class="muted">{loc.t("common.unlimited")}</span>;
  return (
    <ul class="quota">
      {quota.map((q) => {
        const left = Math.max(0, q.remaining);
        const shown = q.metric === "cost" ? loc.usd(left) : loc.num(left);
        const limit = q.metric === "cost" ? loc.usd(q.limit) : loc.num(q.limit);
        return (
          <li>
            <span class="metric">{q.metric}</span>
            <meter
              min={0}
              max={q.limit}
              low={q.limit * 0.2}
              high={q.limit * 0.5}
              optimum={q.limit}
              value={left}
            >
              {shown}
            </meter>
            <span class="num">{shown} / {limit}</span>
            <span class="hint">
              {loc.t("channels.resets")}{" "}
              <time datetime={new Date(q.resetsAt).toISOString()}>
                {loc.time(q.resetsAt)}
              </time>
            </span>
          </li>
        );
      })}
    </ul>
  );
};
