/**
 * A prom-client Histogram whose buckets are read at scrape time from the
 * threads' shared log-linear histograms (histogram-buckets.ts) instead of
 * being fed with observe(): the counts are already kept in shared memory by
 * the threads that record them, and prom-client's public API can only add
 * one observation at a time. So this class answers the registry's two read
 * calls, get() and getForPromString() (the registry prefers the latter; it
 * is prom-client's, not in its typings), with the converted buckets, and
 * prom-client does the text format, escaping and content type as for any
 * other metric. Pinned to prom-client 15.1.3; test/prometheus-exporter.test.ts
 * checks the exact lines, so an upgrade that changes the calls shows up there.
 */
import { Histogram, type Registry } from 'prom-client';
import type { PrometheusBuckets } from './histogram-buckets.js';

/** One series: its labels and its buckets, converted from the shared counts for this scrape. */
export interface SharedSeries {
  labels: Record<string, string>;
  buckets: PrometheusBuckets;
}

type HistogramObject = Awaited<ReturnType<Histogram['get']>>;

export class SharedHistogramMetric extends Histogram {
  // Not `name`, `help` or `buckets`: prom-client's Metric constructor copies its config onto the instance under those.
  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    registry: Registry,
    private readonly boundsS: readonly number[],
    private readonly seriesOf: () => readonly SharedSeries[],
  ) {
    super({ name: metricName, help: metricHelp, registers: [registry], buckets: [...boundsS] });
  }

  override async get(): Promise<HistogramObject> {
    const values: HistogramObject['values'] = [];
    const bucket = `${this.metricName}_bucket`;
    for (const s of this.seriesOf()) {
      const b = s.buckets;
      b.cumulative.forEach((value, k) => values.push({ metricName: bucket, labels: { ...s.labels, le: this.boundsS[k] }, value }));
      values.push({ metricName: bucket, labels: { ...s.labels, le: '+Inf' }, value: b.count });
      values.push({ metricName: `${this.metricName}_sum`, labels: s.labels, value: b.sumS });
      values.push({ metricName: `${this.metricName}_count`, labels: s.labels, value: b.count });
    }
    // The typings give `type` an enum that prom-client does not export (at run time it is the
    // string) and make `collect` mandatory (the registry never reads it from here).
    return { name: this.metricName, help: this.metricHelp, type: 'histogram', values, aggregator: 'sum' } as unknown as HistogramObject;
  }

  getForPromString(): Promise<HistogramObject> {
    return this.get();
  }
}
