/**
 * Once a second: one metrics line on stdout. A table row for people (header
 * every 20 rows), or with --metrics json one pino JSON line. Latency
 * percentiles are for the last interval, merged across workers from their
 * shared histograms (interval = cumulative now minus cumulative at the last
 * report). At the end, a summary with the run's totals (`"msg":"summary"`).
 */
import { HISTOGRAM_BUCKETS, emptySummary, summarize, type LatencySummary } from '../../ipc/latency-histogram.js';
import { WorkerStat, type WorkerStatsView } from '../../ipc/worker-stats-layout.js';
import type { DecisionLedger } from '../../core/metrics/decision-ledger.js';
import type { GcMeter } from '../../core/metrics/gc-meter.js';
import { REASON_NAMES, REASON_SLOTS } from '../../core/risk/reject-reason.js';
import type { Logger } from '../../core/logging/logger.js';
import type { RingConsumer, RingProducer } from '../../ipc/spsc-ring.js';

export interface ReporterSources {
  ledger: DecisionLedger;
  workers: readonly WorkerStatsView[];
  inRings: readonly RingProducer[];
  outRings: readonly RingConsumer[];
  mainGc: GcMeter;
  backpressure: () => number;
  conflatedTicks: () => number;
  /** Extra counters (feed health, breakers...) merged into each line, or undefined. */
  extra?: () => Record<string, unknown> | undefined;
  /** An extra table column (header, value, width) appended to each row, or undefined. */
  column?: () => [string, string, number] | undefined;
}

interface Totals {
  generated: number;
  decided: number;
  accepted: number;
  rejected: number;
}

const us = (ns: number) => Math.round(ns / 10) / 100;
const mb = (b: number) => Math.round(b / 1048576);

export class Reporter {
  private readonly prevHist: Uint32Array[];
  private readonly prevTickHist: Uint32Array[];
  private readonly merged = new Float64Array(HISTOGRAM_BUCKETS);
  private readonly tickLat: LatencySummary = emptySummary();
  private readonly prevReasons = new Float64Array(REASON_SLOTS);
  private prev: Totals = { generated: 0, decided: 0, accepted: 0, rejected: 0 };
  private prevNs: number;
  private rows = 0;
  private readonly lat: LatencySummary = emptySummary();

  constructor(
    private readonly src: ReporterSources,
    private readonly format: 'table' | 'json',
    private readonly log: Logger,
    private readonly startNs: number,
  ) {
    this.prevHist = src.workers.map(() => new Uint32Array(HISTOGRAM_BUCKETS));
    this.prevTickHist = src.workers.map(() => new Uint32Array(HISTOGRAM_BUCKETS));
    this.prevNs = startNs;
  }

  /** Builds and prints the metrics of the interval ending at nowNs. */
  report(nowNs: number): Record<string, unknown> {
    const { ledger } = this.src;
    const secs = (nowNs - this.prevNs) / 1e9;
    const lat = summarize(this.mergeInterval((w) => w.histogram, this.prevHist), this.lat);
    const tickLat = summarize(this.mergeInterval((w) => w.tickHistogram, this.prevTickHist), this.tickLat);
    const rejectedByReason: Record<string, number> = {};
    for (let r = 1; r < REASON_SLOTS; r++) {
      const d = ledger.byReason[r] - this.prevReasons[r];
      if (d > 0) rejectedByReason[REASON_NAMES[r] ?? `REASON_${r}`] = d;
      this.prevReasons[r] = ledger.byReason[r];
    }
    const mem = process.memoryUsage();
    this.src.mainGc.harvest();
    const line: Record<string, unknown> = {
      elapsedS: Math.round((nowNs - this.startNs) / 1e8) / 10,
      ordersPerS: Math.round((ledger.generated - this.prev.generated) / secs),
      decisionsPerS: Math.round((ledger.decided - this.prev.decided) / secs),
      accepted: ledger.accepted - this.prev.accepted,
      rejected: ledger.rejected - this.prev.rejected,
      rejectedByReason,
      latencyUs: { count: lat.count, p50: us(lat.p50), p99: us(lat.p99), p999: us(lat.p999), max: us(lat.max) },
      tickLatencyUs: { count: tickLat.count, p50: us(tickLat.p50), p99: us(tickLat.p99), p999: us(tickLat.p999), max: us(tickLat.max) },
      ringPeak: {
        in: this.src.inRings.map((r) => r.peakOccupancy()),
        out: this.src.outRings.map((r) => r.peakOccupancy()),
        capacity: this.src.inRings[0]?.capacity ?? 0,
      },
      backpressure: this.src.backpressure(),
      conflatedTicks: this.src.conflatedTicks(),
      rssMb: mb(mem.rss),
      heapMb: mb(mem.heapUsed),
      gc: this.gcTotals(),
      ...(this.src.extra?.() ?? {}),
    };
    this.prev = { generated: ledger.generated, decided: ledger.decided, accepted: ledger.accepted, rejected: ledger.rejected };
    this.prevNs = nowNs;
    this.print(line);
    return line;
  }

  /** Sums every worker's histogram counts since the previous report into `merged`. */
  private mergeInterval(pick: (w: WorkerStatsView) => Uint32Array, prevs: Uint32Array[]): Float64Array {
    this.merged.fill(0);
    this.src.workers.forEach((w, i) => {
      const prev = prevs[i];
      const h = pick(w);
      for (let b = 0; b < HISTOGRAM_BUCKETS; b++) {
        const c = h[b];
        this.merged[b] += c - prev[b];
        prev[b] = c;
      }
    });
    return this.merged;
  }

  private gcTotals(): { main: number; workers: number; pauseMs: number } {
    let workers = 0;
    let pauseNs = this.src.mainGc.pauseNs;
    for (const w of this.src.workers) {
      workers += w.f64[WorkerStat.gcCount];
      pauseNs += w.f64[WorkerStat.gcPauseNs];
    }
    return { main: this.src.mainGc.count, workers, pauseMs: Math.round(pauseNs / 1e4) / 100 };
  }

  private print(line: Record<string, unknown>): void {
    if (this.format === 'json') {
      this.log.info(line, 'metrics');
      return;
    }
    const l = line as {
      elapsedS: number; ordersPerS: number; decisionsPerS: number; accepted: number; rejected: number;
      rejectedByReason: Record<string, number>; latencyUs: LatencySummary; tickLatencyUs: LatencySummary; ringPeak: { in: number[]; out: number[] };
      backpressure: number; conflatedTicks: number; rssMb: number; heapMb: number; gc: { main: number; workers: number; pauseMs: number };
    };
    const cols: Array<[string, string | number, number]> = [
      ['time s', l.elapsedS.toFixed(1), 7],
      ['orders/s', l.ordersPerS, 10],
      ['decided/s', l.decisionsPerS, 10],
      ['accepted', l.accepted, 9],
      ['rejected', l.rejected, 9],
      ['p50 us', l.latencyUs.p50, 8],
      ['p99 us', l.latencyUs.p99, 8],
      ['p99.9 us', l.latencyUs.p999, 9],
      ['max us', l.latencyUs.max, 9],
      ['tick p99', l.tickLatencyUs.p99, 9],
      ['ring in', Math.max(0, ...l.ringPeak.in), 8],
      ['ring out', Math.max(0, ...l.ringPeak.out), 8],
      ['backpr', l.backpressure, 7],
      ['conflat', l.conflatedTicks, 8],
      ['rss MB', l.rssMb, 7],
      ['heap MB', l.heapMb, 8],
      ['gc', l.gc.main + l.gc.workers, 5],
      ['gc ms', l.gc.pauseMs, 7],
    ];
    const extraCol = this.src.column?.();
    if (extraCol) cols.push(extraCol);
    const out: string[] = [];
    if (this.rows++ % 20 === 0) out.push(cols.map(([h, , w]) => h.padStart(w)).join(' ') + '  rejects by reason');
    const reasons = Object.entries(l.rejectedByReason).map(([k, v]) => `${k}=${v}`).join(' ');
    out.push(cols.map(([, v, w]) => String(v).padStart(w)).join(' ') + '  ' + reasons);
    process.stdout.write(out.join('\n') + '\n');
  }

  /** The run's totals; in table mode also printed for people. */
  summary(nowNs: number, extra: Record<string, unknown>): Record<string, unknown> {
    const { ledger } = this.src;
    this.merged.fill(0);
    for (const w of this.src.workers) for (let b = 0; b < HISTOGRAM_BUCKETS; b++) this.merged[b] += w.histogram[b];
    const lat = summarize(this.merged, emptySummary());
    this.merged.fill(0);
    for (const w of this.src.workers) for (let b = 0; b < HISTOGRAM_BUCKETS; b++) this.merged[b] += w.tickHistogram[b];
    const tickLat = summarize(this.merged, emptySummary());
    const rejected: Record<string, number> = {};
    for (let r = 1; r < REASON_SLOTS; r++) if (ledger.byReason[r] > 0) rejected[REASON_NAMES[r] ?? `REASON_${r}`] = ledger.byReason[r];
    const elapsedS = (nowNs - this.startNs) / 1e9;
    const totals: Record<string, unknown> = {
      elapsedS: Math.round(elapsedS * 10) / 10,
      generated: ledger.generated,
      decided: ledger.decided,
      accepted: ledger.accepted,
      rejected,
      rejectedTotal: ledger.rejected,
      duplicates: ledger.duplicates,
      lost: ledger.outstanding,
      ordersPerS: Math.round(ledger.generated / elapsedS),
      latencyUs: { count: lat.count, p50: us(lat.p50), p99: us(lat.p99), p999: us(lat.p999), max: us(lat.max) },
      tickLatencyUs: { count: tickLat.count, p50: us(tickLat.p50), p99: us(tickLat.p99), p999: us(tickLat.p999), max: us(tickLat.max) },
      backpressure: this.src.backpressure(),
      conflatedTicks: this.src.conflatedTicks(),
      gc: this.gcTotals(),
      ...extra,
    };
    if (this.format === 'json') this.log.info(totals, 'summary');
    else process.stdout.write('\nsummary\n' + Object.entries(totals).map(([k, v]) => `  ${k.padEnd(16)} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('\n') + '\n');
    return totals;
  }
}
