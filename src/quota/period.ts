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

interface Schedule {
  cron: Cron;
  /** The period last computed: every request in it is answered without asking croner, whose
   * `previousRuns` walks back through the calendar (tens of µs per call). */
  last?: Period;
}

const schedules = new Map<string, Schedule>();

function scheduleOf(reset: string, timezone: string): Schedule {
  const key = `${timezone}\u0000${reset}`;
  let schedule = schedules.get(key);
  if (!schedule) {
    schedule = { cron: new Cron(reset, { timezone, paused: true }) };
    // Bounded: configs name a handful of schedules; a reload-heavy process still stays small.
    if (schedules.size > 1000) schedules.clear();
    schedules.set(key, schedule);
  }
  return schedule;
}

/** The period holding `now` for a `reset` cron read in `timezone`. */
export function periodAt(reset: string, timezone: string, now: number): Period {
  const schedule = scheduleOf(reset, timezone);
  const last = schedule.last;
  if (last && last.start <= now && now < last.end) return last;
  const next = schedule.cron.nextRun(new Date(now));
  const previous = schedule.cron.previousRuns(1, new Date(now + 1))[0];
  const period = {
    start: previous ? previous.getTime() : 0,
    end: next ? next.getTime() : Number.POSITIVE_INFINITY,
  };
  schedule.last = period;
  return period;
}

/** Whole seconds until the period's end, at least 1: a `Retry-After` value. */
export function secondsUntil(period: Period, now: number): number {
  if (!Number.isFinite(period.end)) return 86_400;
  return Math.max(1, Math.ceil((period.end - now) / 1000));
}
