/**
 * The Requests page's filters, read from the query string (a GET form, so filtering works without
 * JavaScript and a filtered view is a link), and the recent-request log read with them.
 */
import type { RequestRecord } from "../../stats/record.ts";
import { recent, type RecentFilter } from "../../usage/query.ts";

/** The filters as the form shows them back (strings, "" when unset). */
export interface RequestFilters {
  key: string;
  channel: string;
  model: string;
  status: string;
  /** `YYYY-MM-DDTHH:MM`, read as UTC. */
  from: string;
  to: string;
}

const FIELDS = ["key", "channel", "model", "status", "from", "to"] as const;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

export function filtersOf(query: (name: string) => string | undefined): RequestFilters {
  const out = {} as RequestFilters;
  // Bounded, so a long query string cannot make the page (or the scan) expensive.
  for (const f of FIELDS) out[f] = (query(f) ?? "").trim().slice(0, 200);
  if (!/^([1-5]xx|\d{3})?$/i.test(out.status)) out.status = "";
  if (out.from && !LOCAL_TIME.test(out.from)) out.from = "";
  if (out.to && !LOCAL_TIME.test(out.to)) out.to = "";
  return out;
}

function epoch(local: string): number | undefined {
  if (!local) return undefined;
  const t = Date.parse(`${local}Z`);
  return Number.isNaN(t) ? undefined : t;
}

export function recentRequests(
  kv: Deno.Kv,
  f: RequestFilters,
  limit = 100,
): Promise<RequestRecord[]> {
  const filter: RecentFilter = {
    key: f.key || undefined,
    channel: f.channel || undefined,
    model: f.model || undefined,
    status: f.status || undefined,
    from: epoch(f.from),
    // The minute the user picked is included.
    to: f.to ? epoch(f.to)! + 60_000 : undefined,
    limit,
  };
  return recent(kv, filter);
}

/** Recent WebSocket sessions: the log's entries of that protocol, newest first. */
export async function recentSessions(kv: Deno.Kv, limit = 50): Promise<RequestRecord[]> {
  const records = await recent(kv, { limit: 1000 });
  return records.filter((r) => r.protocol === "websocket").slice(0, limit);
}
