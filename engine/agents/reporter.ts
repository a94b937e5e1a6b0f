/**
 * Once a second: one metrics line on stdout, read from the shared counters
 * and histograms the threads keep (main touches no order). A table row for
 * people (fits 160 columns; header every 20 rows, rejects by reason on a line
 * of their own every 10 rows), or with --metrics json one pino JSON line.
 * Latency percentiles are for the last interval, merged across order sources
 * from their histograms (interval = cumulative now minus cumulative at the
 * last report); every histogram starts after warm-up. At the end, a summary
 * with the run's totals (`"msg":"summary"`).
 */
import { HISTOGRAM_BUCKETS, emptySummary, summarize, type LatencySummary } from '../../ipc/latency-histogram.js';
import { SOURCE_HISTOGRAMS, SourceStat, type SourceHistogram, type SourceStatsView } from '../../ipc/source-stats-layout.js';
import type { RingMonitor } from '../../ipc/spsc-ring.js';
import { ThreadStat } from '../../ipc/thread-stats-layout.js';
import type { WorkerStatsView } from '../../ipc/worker-stats-layout.js';
import type { Logger } from '../../core/logging/logger.js';
import type { GcMeter } from '../../core/metrics/gc-meter.js';
import { REASON_NAMES, REASON_SLOTS } from '../../core/risk/reject-reason.js';
import { SchedMeter, type SchedFigures } from '../metrics/sched-meter.js';
import { summaryTable } from './summary-table.js';

export interface ReporterSources {
  sources: readonly SourceStatsView[];
  workers: readonly WorkerStatsView[];
  /** Every ring into a worker, and every ring out of one. */
  ringsIn: readonly RingMonitor[];
  ringsOut: readonly RingMonitor[];
  mainGc: GcMeter;
  /** Ticks conflated on main (feed ticks); the sources' own are in their blocks. */
  mainConflatedTicks: () => number;
  /** Extra counters (feed health, breakers...) merged into each line, or undefined. */
  extra?: () => Record<string, unknown> | undefined;
  /** An extra table column (header, value, width) appended to each row, or undefined. */
  column?: () => [string, string, number] | undefined;
}

const COUNTERS = ['generated', 'decided', 'accepted', 'rejected', 'duplicates', 'backpressure', 'conflatedTicks'] as const;
type Counter = (typeof COUNTERS)[number];
type Totals = Record<Counter, number>;

const us = (ns: number) => Math.round(ns / 10) / 100;
const mb = (b: number) => Math.round(b / 1048576);
const latencyUs = (l: LatencySummary) => ({ count: l.count, p50: us(l.p50), p99: us(l.p99), p999: us(l.p999), max: us(l.max) });
const REJECT_LINE_EVERY = 10;
/** Counts in every bucket: prime() takes its percentiles (every branch of summarize). */
const PRIME_HISTOGRAM = new Float64Array(HISTOGRAM_BUCKETS).fill(1);

export class Reporter {
  private readonly prevHist: Record<SourceHistogram, Uint32Array[]>;
  private readonly prevTickHist: Uint32Array[];
  private readonly merged = new Float64Array(HISTOGRAM_BUCKETS);
  private readonly prevReasons = new Float64Array(REASON_SLOTS);
  private readonly rejectsSinceLine = new Float64Array(REASON_SLOTS);
  private prev: Totals;
  private prevNs: number;
  private rows = 0;
  /** How long the order path's threads waited for their cores (other tasks on them), from the scheduler. */
  private readonly sched: SchedMeter;

  constructor(
    private readonly src: ReporterSources,
    private readonly format: 'table' | 'json',
    private readonly log: Logger,
    private startNs: number,
  ) {
    this.prevHist = Object.fromEntries(SOURCE_HISTOGRAMS.map((h) => [h, src.sources.map(() => new Uint32Array(HISTOGRAM_BUCKETS))])) as Record<SourceHistogram, Uint32Array[]>;
    this.prevTickHist = src.workers.map(() => new Uint32Array(HISTOGRAM_BUCKETS));
    this.prevNs = startNs;
    this.prev = this.totals();
    this.sched = new SchedMeter(src.workers, src.sources);
  }

  /** The sources' counters, summed, and the conflated ticks of main and the sources. */
  totals(): Totals {
    const t = { generated: 0, decided: 0, accepted: 0, rejected: 0, duplicates: 0, backpressure: 0, conflatedTicks: this.src.mainConflatedTicks() };
    for (const s of this.src.sources) {
      t.generated += s.f64[SourceStat.generated];
      t.decided += s.f64[SourceStat.decided];
      t.accepted += s.f64[SourceStat.accepted];
      t.rejected += s.f64[SourceStat.rejected];
      t.duplicates += s.f64[SourceStat.duplicates];
      t.backpressure += s.f64[SourceStat.backpressure];
      t.conflatedTicks += s.f64[SourceStat.conflatedTicks];
    }
    return t;
  }

  /**
   * Builds the metrics of the run so far without printing them, and makes
   * `startNs` the run's start. Main calls it while the threads warm up: the
   * first report's cold code (several ms) would otherwise run one second into
   * the traffic, on the core that an order source shares with main on a
   * 2-core machine.
   */
  prime(startNs: number): void {
    this.sched.restart(); // the build below takes the scheduler's baseline: the last prime is at the start
    // The histograms are empty before traffic: percentiles of a full one too, or the first real report deoptimises summarize.
    summarize(PRIME_HISTOGRAM, emptySummary());
    this.build(startNs);
    this.startNs = startNs;
    this.prevNs = startNs;
  }

  /** Builds and prints the metrics of the interval ending at nowNs. */
  report(nowNs: number): Record<string, unknown> {
    const line = this.build(nowNs);
    this.print(line);
    return line;
  }

  private build(nowNs: number): Record<string, unknown> {
    const secs = (nowNs - this.prevNs) / 1e9;
    const now = this.totals();
    const hist = (h: SourceHistogram) => summarize(this.mergeInterval(this.src.sources.map((s) => s.histograms[h]), this.prevHist[h]), emptySummary());
    const lat = hist('latency');
    const hop = (h: SourceHistogram) => {
      const l = hist(h);
      return { p50: us(l.p50), p99: us(l.p99) };
    };
    const tickLat = summarize(this.mergeInterval(this.src.workers.map((w) => w.tickHistogram), this.prevTickHist), emptySummary());
    const rejectedByReason: Record<string, number> = {};
    const byReason = this.reasons();
    for (let r = 1; r < REASON_SLOTS; r++) {
      const d = byReason[r] - this.prevReasons[r];
      if (d > 0) rejectedByReason[REASON_NAMES[r] ?? `REASON_${r}`] = d;
      this.rejectsSinceLine[r] += d;
      this.prevReasons[r] = byReason[r];
    }
    const mem = process.memoryUsage();
    const line: Record<string, unknown> = {
      elapsedS: Math.round((nowNs - this.startNs) / 1e8) / 10,
      ordersPerS: Math.round((now.generated - this.prev.generated) / secs),
      decisionsPerS: Math.round((now.decided - this.prev.decided) / secs),
      accepted: now.accepted - this.prev.accepted,
      rejected: now.rejected - this.prev.rejected,
      rejectedByReason,
      latencyUs: latencyUs(lat),
      hopsUs: { lateness: hop('lateness'), queued: hop('queued'), back: hop('back') },
      tickLatencyUs: latencyUs(tickLat),
      ringPeak: { in: this.peak(this.src.ringsIn), out: this.peak(this.src.ringsOut), capacity: this.src.ringsIn[0]?.capacity ?? 0 },
      backpressure: now.backpressure,
      conflatedTicks: now.conflatedTicks,
      rssMb: mb(mem.rss),
      heapMb: mb(mem.heapUsed),
      gc: this.gcTotals(),
      sched: this.sched.interval(nowNs),
      ...(this.src.extra?.() ?? {}),
    };
    this.prev = now;
    this.prevNs = nowNs;
    return line;
  }

  private reasons(): Float64Array {
    const out = new Float64Array(REASON_SLOTS);
    for (const s of this.src.sources) for (let r = 0; r < REASON_SLOTS; r++) out[r] += s.byReason[r];
    return out;
  }

  private peak(rings: readonly RingMonitor[]): number {
    let p = 0;
    for (const r of rings) p = Math.max(p, r.peakOccupancy());
    return p;
  }

  /** Sums the histograms' counts since the previous report into `merged`. */
  private mergeInterval(hists: readonly Uint32Array[], prevs: Uint32Array[]): Float64Array {
    const merged = this.merged;
    merged.fill(0);
    for (let i = 0; i < hists.length; i++) {
      const h = hists[i];
      const prev = prevs[i];
      for (let b = 0; b < HISTOGRAM_BUCKETS; b++) {
        const c = h[b];
        merged[b] += c - prev[b];
        prev[b] = c;
      }
    }
    return merged;
  }

  private gcTotals(): { main: number; workers: number; sources: number; pauseMs: number } {
    this.src.mainGc.harvest();
    let workers = 0;
    let sources = 0;
    let pauseNs = this.src.mainGc.pauseNs;
    for (const w of this.src.workers) {
      workers += w.f64[ThreadStat.gcCount];
      pauseNs += w.f64[ThreadStat.gcPauseNs];
    }
    for (const s of this.src.sources) {
      sources += s.f64[ThreadStat.gcCount];
      pauseNs += s.f64[ThreadStat.gcPauseNs];
    }
    return { main: this.src.mainGc.count, workers, sources, pauseMs: Math.round(pauseNs / 1e4) / 100 };
  }

  private print(line: Record<string, unknown>): void {
    if (this.format === 'json') {
      this.log.info(line, 'metrics');
      return;
    }
    const l = line as {
      elapsedS: number; ordersPerS: number; decisionsPerS: number; rejected: number; latencyUs: LatencySummary;
      hopsUs: Record<'lateness' | 'queued' | 'back', { p99: number }>; tickLatencyUs: LatencySummary;
      ringPeak: { in: number; out: number; capacity: number }; backpressure: number; heapMb: number;
      gc: { main: number; workers: number; sources: number };
      sched: { workers: SchedFigures | null; sources: SchedFigures | null };
    };
    const waited = Math.max(l.sched.workers?.waitPct ?? -1, l.sched.sources?.waitPct ?? -1);
    const cols: Array<[string, string | number, number]> = [
      ['time s', l.elapsedS.toFixed(1), 6],
      ['orders/s', l.ordersPerS, 10],
      ['decided/s', l.decisionsPerS, 10],
      ['rejected', l.rejected, 8],
      ['p50 us', l.latencyUs.p50, 7],
      ['p99 us', l.latencyUs.p99, 8],
      ['p99.9 us', l.latencyUs.p999, 9],
      ['late99', l.hopsUs.lateness.p99, 7],
      ['queue99', l.hopsUs.queued.p99, 8],
      ['back99', l.hopsUs.back.p99, 7],
      ['tick99', l.tickLatencyUs.p99, 7],
      ['ring%', Math.round((100 * Math.max(l.ringPeak.in, l.ringPeak.out)) / Math.max(1, l.ringPeak.capacity)), 5],
      ['backpr', l.backpressure, 6],
      ['heapMB', l.heapMb, 6],
      ['gc', l.gc.main + l.gc.workers + l.gc.sources, 4],
      ['wait%', waited < 0 ? '-' : waited.toFixed(1), 5],
    ];
    const extraCol = this.src.column?.();
    if (extraCol) cols.push(extraCol);
    const out: string[] = [];
    if (this.rows % 20 === 0) out.push(cols.map(([h, , w]) => h.padStart(w)).join(' '));
    out.push(cols.map(([, v, w]) => String(v).padStart(w)).join(' '));
    if (++this.rows % REJECT_LINE_EVERY === 0) out.push(this.rejectLine());
    process.stdout.write(out.join('\n') + '\n');
  }

  /** `  rejects, last 10 s: NAME=n ...`, and restarts the count. */
  private rejectLine(): string {
    const parts: string[] = [];
    for (let r = 1; r < REASON_SLOTS; r++) {
      if (this.rejectsSinceLine[r] > 0) parts.push(`${REASON_NAMES[r] ?? `REASON_${r}`}=${this.rejectsSinceLine[r]}`);
      this.rejectsSinceLine[r] = 0;
    }
    return `  rejects, last ${REJECT_LINE_EVERY} s: ${parts.length ? parts.join(' ') : 'none'}`;
  }

  /** The run's totals (every histogram counts from the end of warm-up); in table mode also printed for people. */
  summary(nowNs: number, extra: Record<string, unknown>): Record<string, unknown> {
    const t = this.totals();
    const whole = (hists: readonly Uint32Array[]) => {
      this.merged.fill(0);
      for (const h of hists) for (let b = 0; b < HISTOGRAM_BUCKETS; b++) this.merged[b] += h[b];
      return summarize(this.merged, emptySummary());
    };
    const hist = (h: SourceHistogram) => whole(this.src.sources.map((s) => s.histograms[h]));
    const rejected: Record<string, number> = {};
    const byReason = this.reasons();
    for (let r = 1; r < REASON_SLOTS; r++) if (byReason[r] > 0) rejected[REASON_NAMES[r] ?? `REASON_${r}`] = byReason[r];
    const elapsedS = (nowNs - this.startNs) / 1e9;
    const hop = (h: SourceHistogram) => {
      const l = hist(h);
      return { p50: us(l.p50), p99: us(l.p99), p999: us(l.p999) };
    };
    const totals: Record<string, unknown> = {
      elapsedS: Math.round(elapsedS * 10) / 10,
      generated: t.generated,
      decided: t.decided,
      accepted: t.accepted,
      rejected,
      rejectedTotal: t.rejected,
      duplicates: t.duplicates,
      lost: t.generated - t.decided,
      ordersPerS: Math.round(t.generated / elapsedS),
      latencyUs: latencyUs(hist('latency')),
      hopsUs: { lateness: hop('lateness'), queued: hop('queued'), back: hop('back') },
      tickLatencyUs: latencyUs(whole(this.src.workers.map((w) => w.tickHistogram))),
      backpressure: t.backpressure,
      conflatedTicks: t.conflatedTicks,
      gc: this.gcTotals(),
      sched: this.sched.total(),
      ...extra,
    };
    if (this.format === 'json') this.log.info(totals, 'summary');
    else process.stdout.write('\n' + summaryTable(totals).join('\n') + '\n');
    return totals;
  }
}
