/**
 * Counter and histogram families for the per-event and per-request hot paths. prom-client
 * hashes the label object on every `inc`/`observe` (≈1.2 µs for a labelled histogram on
 * the bench machine); here the caller resolves a series once (by a precomputed key) and
 * recording is plain arithmetic on it. Both classes implement the part of prom-client's
 * metric interface a `Registry` uses (`name`, `get()`, `reset()`), so they register and
 * render like built-in metrics.
 */
type Labels = Record<string, string>;

/** One sample as prom-client's `Registry` renders it. */
export interface FamilySample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What `get()` returns: the shape prom-client's `Registry` reads from a metric. */
export interface FamilySnapshot {
  name: string;
  help: string;
  type: "counter" | "histogram";
  aggregator: "sum";
  values: FamilySample[];
}

/** One labelled counter series. */
export class CounterSeries {
  readonly labels: Labels;
  value: number;

  constructor(labels: Labels) {
    this.labels = labels;
    this.value = 0;
  }
}

/** One labelled histogram series; `buckets[i]` counts values in (bound[i-1], bound[i]]. */
export class HistogramSeries {
  readonly labels: Labels;
  readonly buckets: Float64Array;
  sum: number;
  count: number;

  constructor(labels: Labels, size: number) {
    this.labels = labels;
    this.buckets = new Float64Array(size);
    this.sum = 0;
    this.count = 0;
  }
}

/** A counter family registered on a prom-client `Registry`. */
export class CounterFamily {
  readonly name: string;
  readonly help: string;
  readonly type = "counter";
  readonly aggregator = "sum";
  readonly #series = new Map<string, CounterSeries>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  /** The series for `key` (a string that identifies `labels`), created at 0 if new. */
  series(key: string, labels: Labels): CounterSeries {
    let s = this.#series.get(key);
    if (s === undefined) {
      s = new CounterSeries(labels);
      this.#series.set(key, s);
    }
    return s;
  }

  async get(): Promise<FamilySnapshot> {
    const values: FamilySample[] = [];
    for (const s of this.#series.values()) values.push({ labels: { ...s.labels }, value: s.value });
    return {
      name: this.name,
      help: this.help,
      type: "counter",
      aggregator: "sum",
      values,
    };
  }

  reset(): void {
    for (const s of this.#series.values()) s.value = 0;
  }
}

/** A histogram family registered on a prom-client `Registry`. */
export class HistogramFamily {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly #bounds: Float64Array;
  readonly #series = new Map<string, HistogramSeries>();

  constructor(name: string, help: string, bounds: readonly number[]) {
    this.name = name;
    this.help = help;
    this.#bounds = Float64Array.from(bounds);
  }

  /** The series for `key` (a string that identifies `labels`), created empty if new. */
  series(key: string, labels: Labels): HistogramSeries {
    let s = this.#series.get(key);
    if (s === undefined) {
      s = new HistogramSeries(labels, this.#bounds.length + 1);
      this.#series.set(key, s);
    }
    return s;
  }

  /** Records `value` in `s` (NaN is ignored). */
  observe(s: HistogramSeries, value: number): void {
    if (Number.isNaN(value)) return;
    const b = this.#bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    s.buckets[i]!++;
    s.sum += value;
    s.count++;
  }

  async get(): Promise<FamilySnapshot> {
    const values: FamilySample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let acc = 0;
      for (let i = 0; i < this.#bounds.length; i++) {
        acc += s.buckets[i]!;
        values.push({
          labels: { le: this.#bounds[i]!, ...s.labels },
          value: acc,
          metricName: bucket,
        });
      }
      values.push({ labels: { le: "+Inf", ...s.labels }, value: s.count, metricName: bucket });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: "histogram", aggregator: "sum", values };
  }

  reset(): void {
    for (const s of this.#series.values()) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
