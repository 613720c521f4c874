/**
 * The period a quota counts in: from the last time its `reset` cron fired (in its time zone) up
 * to the next. Usage is stored per period start, so a reset is simply a new period — nothing is
 * deleted, and a request admitted just before a reset is settled in the period that admitted it.
 */
import { Cron } from "croner";

export interface Period {
  /** Epoch ms the period began (the previous reset). */
  start: number;
  /** Epoch ms it ends (the next reset). */
  end: number;
}

const crons = new Map<string, Cron>();

function cronOf(reset: string, timezone: string): Cron {
  const key = `${timezone}\u0000${reset}`;
  let cron = crons.get(key);
  if (!cron) {
    cron = new Cron(reset, { timezone, paused: true });
    // Bounded: configs name a handful of schedules; a reload-heavy process still stays small.
    if (crons.size > 1000) crons.clear();
    crons.set(key, cron);
  }
  return cron;
}

/** The period holding `now` for a `reset` cron read in `timezone`. */
export function periodAt(reset: string, timezone: string, now: number): Period {
  const cron = cronOf(reset, timezone);
  const at = new Date(now);
  const next = cron.nextRun(at);
  const previous = cron.previousRuns(1, new Date(now + 1))[0];
  return {
    start: previous ? previous.getTime() : 0,
    end: next ? next.getTime() : Number.POSITIVE_INFINITY,
  };
}

/** Whole seconds until the period's end, at least 1: a `Retry-After` value. */
export function secondsUntil(period: Period, now: number): number {
  if (!Number.isFinite(period.end)) return 86_400;
  return Math.max(1, Math.ceil((period.end - now) / 1000));
}
