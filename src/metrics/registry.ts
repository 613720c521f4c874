/**
 * A set of metric families rendered together as one Prometheus text exposition. Names are
 * unique within a registry; families render in the order they were added, which keeps a scrape
 * reproducible from one to the next (the format prefers, but does not require, that).
 */
import {
  Counter,
  type FamilyOptions,
  Gauge,
  Histogram,
  type HistogramOptions,
} from "./families.ts";

type AnyFamily = Counter | Gauge | Histogram;

export class Registry {
  readonly #families: AnyFamily[] = [];
  readonly #names = new Set<string>();

  counter(options: FamilyOptions): Counter {
    return this.#add(new Counter(options));
  }

  gauge(options: FamilyOptions): Gauge {
    return this.#add(new Gauge(options));
  }

  histogram(options: HistogramOptions): Histogram {
    return this.#add(new Histogram(options));
  }

  /** Every family as text: HELP, TYPE, then its samples; the last line ends in `\n` too. */
  render(): string {
    const out: string[] = [];
    for (const family of this.#families) family.render(out);
    return out.join("\n") + "\n";
  }

  #add<F extends AnyFamily>(family: F): F {
    // A histogram `x` also owns `x_bucket`, `x_sum` and `x_count`.
    const names = family.type === "histogram"
      ? [family.name, ...["_bucket", "_sum", "_count"].map((s) => family.name + s)]
      : [family.name];
    for (const name of names) {
      if (this.#names.has(name)) throw new Error(`Metric "${name}" is already registered`);
    }
    for (const name of names) this.#names.add(name);
    this.#families.push(family);
    return family;
  }
}
