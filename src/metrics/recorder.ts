/**
 * Turns each finished request's record into metric updates. The request path pays a handful of
 * map lookups and number additions: label values are checked against the running config
 * (`labels.ts`), then a row of series handles is found for them — channel → model → key and
 * channel → model → operation — and updated. Rows are built (and label text rendered) the first
 * time a combination is seen; nothing is formatted per request.
 *
 * The row cache is only a memo over the families' own series, so when it grows past
 * `MAX_ROWS` it is simply dropped and rebuilt; the series, and their counts, stay.
 */
import type { Gateway } from "../gateway/build.ts";
import type { Recorder, RequestRecord, TokenUsage } from "../stats/record.ts";
import type { GatewayFamilies } from "./definitions.ts";
import type { CounterSeries, HistogramSeries } from "./families.ts";
import { LabelGuard, operationName, STATUS_CLASSES, statusIndex } from "./labels.ts";

const MAX_ROWS = 4096;
const TOKEN_TYPES = ["input", "output", "cached", "reasoning"] as const;
const SOURCES = ["reported", "estimated"] as const;

/** Series of one channel, model and key. */
interface KeyRow {
  readonly requests: (CounterSeries | undefined)[];
  readonly errors: (CounterSeries | undefined)[];
  readonly sessions: (CounterSeries | undefined)[];
  /** By token type × source: `type * 2 + (estimated ? 1 : 0)`. */
  readonly tokens: (CounterSeries | undefined)[];
  cost?: CounterSeries;
}

/** Series of one GenAI operation on one channel and model. */
interface OperationRow {
  readonly genAI: readonly [string, string, string];
  /** By status index; every success shares the series whose `error_type` is empty. */
  readonly duration: (HistogramSeries | undefined)[];
  ttft?: HistogramSeries;
  input?: HistogramSeries;
  output?: HistogramSeries;
}

interface ModelNode {
  readonly keys: Map<string, KeyRow>;
  readonly operations: Map<string, OperationRow>;
}

interface ChannelNode {
  readonly models: Map<string, ModelNode>;
  /** Non-stream, stream. */
  readonly overhead: (HistogramSeries | undefined)[];
  session?: HistogramSeries;
}

export class MetricsRecorder implements Recorder {
  readonly #guard = new LabelGuard();
  readonly #channels = new Map<string, ChannelNode>();
  #rows = 0;

  constructor(
    private readonly families: GatewayFamilies,
    private readonly gateway: () => Gateway,
  ) {}

  record(r: RequestRecord): void {
    if (this.#guard.update(this.gateway()) || this.#rows >= MAX_ROWS) this.#forgetRows();
    const guard = this.#guard;
    const channel = guard.channel(r.channel);
    const model = guard.model(r.model);
    const key = guard.key(r.key);
    const status = statusIndex(r.status);
    const channelNode = this.#channel(channel);
    const modelNode = this.#model(channelNode, model);
    const row = this.#keyRow(modelNode, key);
    const f = this.families;
    // Each `??=` builds its label array only when the series is first needed.
    if (r.protocol === "websocket") {
      (row.sessions[status] ??= f.sessions.series([channel, model, key, STATUS_CLASSES[status]]))
        .inc();
      (channelNode.session ??= f.sessionDuration.series([channel])).observe(r.latencyMs / 1000);
    } else {
      (row.requests[status] ??= f.requests.series([channel, model, key, STATUS_CLASSES[status]]))
        .inc();
      if (r.status >= 400) {
        (row.errors[status] ??= f.errors.series([channel, model, key, STATUS_CLASSES[status]]))
          .inc();
      }
      this.#overhead(r, channelNode, channel);
      const operation = operationName(r.endpoint);
      if (operation !== undefined && channel !== "") {
        this.#genAI(r, this.#operationRow(modelNode, operation, channel, model), channel, status);
      }
    }
    if (r.usage) {
      const source = r.usage.estimated ? 1 : 0;
      for (let type = 0; type < TOKEN_TYPES.length; type++) {
        const n = tokenCount(r.usage, type);
        if (!(n > 0)) continue;
        (row.tokens[type * 2 + source] ??= f.tokens.series([
          channel,
          model,
          key,
          TOKEN_TYPES[type],
          SOURCES[source],
        ])).inc(n);
      }
    }
    if (r.costUsd) (row.cost ??= f.cost.series([channel, model, key])).inc(r.costUsd);
  }

  /** The gateway's own time, for requests served at the first attempt (retries wait on purpose). */
  #overhead(r: RequestRecord, node: ChannelNode, channel: string): void {
    if (r.upstreamMs === undefined || r.attempts > 1) return;
    const until = r.stream ? r.ttfbMs ?? r.latencyMs : r.latencyMs;
    const stream = r.stream ? 1 : 0;
    const series = node.overhead[stream] ??= this.families.overhead.series([
      channel,
      r.stream ? "true" : "false",
    ]);
    series.observe(Math.max(0, until - r.upstreamMs) / 1000);
  }

  #genAI(r: RequestRecord, row: OperationRow, channel: string, status: number): void {
    const f = this.families;
    const failed = r.status >= 400;
    const duration = row.duration[status] ??= f.duration.series([
      ...row.genAI,
      failed ? STATUS_CLASSES[status] : "",
      channel,
    ]);
    duration.observe(r.latencyMs / 1000);
    if (r.stream && !failed && r.ttfbMs !== undefined) {
      (row.ttft ??= f.ttft.series([...row.genAI, channel])).observe(r.ttfbMs / 1000);
    }
    // The conventions' histogram takes what the upstream reported; estimates are counted in
    // sluice_tokens_total{source="estimated"} only.
    if (r.usage && !r.usage.estimated) {
      (row.input ??= f.tokenUsage.series([...row.genAI, "input", channel])).observe(r.usage.prompt);
      (row.output ??= f.tokenUsage.series([...row.genAI, "output", channel]))
        .observe(r.usage.completion);
    }
  }

  #channel(channel: string): ChannelNode {
    let node = this.#channels.get(channel);
    if (!node) this.#channels.set(channel, node = { models: new Map(), overhead: [] });
    return node;
  }

  #model(channel: ChannelNode, model: string): ModelNode {
    let node = channel.models.get(model);
    if (!node) channel.models.set(model, node = { keys: new Map(), operations: new Map() });
    return node;
  }

  #keyRow(node: ModelNode, key: string): KeyRow {
    let row = node.keys.get(key);
    if (!row) {
      this.#rows++;
      row = { requests: [], errors: [], sessions: [], tokens: [] };
      node.keys.set(key, row);
    }
    return row;
  }

  #operationRow(node: ModelNode, operation: string, channel: string, model: string): OperationRow {
    let row = node.operations.get(operation);
    if (!row) {
      this.#rows++;
      const genAI = [operation, this.#guard.provider(channel), model] as const;
      row = { genAI, duration: [] };
      node.operations.set(operation, row);
    }
    return row;
  }

  #forgetRows(): void {
    this.#channels.clear();
    this.#rows = 0;
  }
}

/** `usage`'s count of `TOKEN_TYPES[type]`, without building an array per request. */
function tokenCount(usage: TokenUsage, type: number): number {
  switch (type) {
    case 0:
      return usage.prompt;
    case 1:
      return usage.completion;
    case 2:
      return usage.cached ?? 0;
    default:
      return usage.reasoning ?? 0;
  }
}
