/**
 * The metrics reporter, from shared counters and histograms it is handed:
 * totals and rates summed over order sources, latency merged over their
 * histograms per interval, the table for people within 160 columns with the
 * rejects by reason on a line of their own every 10 rows, and the summary's
 * exactly-once figures.
 */
import { expect } from 'chai';
import pino from 'pino';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { Reason } from '../core/risk/reject-reason.js';
import { Reporter } from '../engine/agents/reporter.js';
import { summaryTable } from '../engine/agents/summary-table.js';
import { bucketIndex } from '../ipc/latency-histogram.js';
import { createSourceStats, SourceStat, sourceStatsView } from '../ipc/source-stats-layout.js';
import { createRingBuffer, RingMonitor } from '../ipc/spsc-ring.js';
import { createWorkerStats, workerStatsView } from '../ipc/worker-stats-layout.js';

function setup(format: 'table' | 'json') {
  const sources = [sourceStatsView(createSourceStats()), sourceStatsView(createSourceStats())];
  const workers = [workerStatsView(createWorkerStats())];
  const ring = createRingBuffer(8);
  const logged: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void logged.push(JSON.parse(s) as Record<string, unknown>) });
  const mainGc = new GcMeter();
  const reporter = new Reporter({ sources, workers, ringsIn: [new RingMonitor(ring)], ringsOut: [new RingMonitor(ring)], mainGc, mainConflatedTicks: () => 3 }, format, log, 0);
  return { sources, reporter, logged, mainGc };
}

/** Source s decided n more orders, each `latencyNs` late, `rejects` of them TRADING_HALTED. */
function decide(v: ReturnType<typeof sourceStatsView>, n: number, latencyNs: number, rejects = 0): void {
  v.f64[SourceStat.generated] += n;
  v.f64[SourceStat.decided] += n;
  v.f64[SourceStat.accepted] += n - rejects;
  v.f64[SourceStat.rejected] += rejects;
  v.byReason[Reason.TRADING_HALTED] += rejects;
  v.histograms.latency[bucketIndex(latencyNs)] += n;
}

/** Captures what `body` writes to stdout. */
function stdoutOf(body: () => void): string {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    body();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe('reporter', () => {
  it('sums the sources\' counters and merges their latency per interval', () => {
    const { sources, reporter, logged, mainGc } = setup('json');
    decide(sources[0], 900, 1_000);
    decide(sources[1], 100, 100_000, 10);
    const line = reporter.report(1e9) as { ordersPerS: number; rejected: number; rejectedByReason: Record<string, number>; latencyUs: { count: number; p50: number; p99: number }; conflatedTicks: number };
    expect(line.ordersPerS).to.equal(1000);
    expect(line.rejected).to.equal(10);
    expect(line.rejectedByReason).to.deep.equal({ TRADING_HALTED: 10 });
    expect(line.latencyUs.count).to.equal(1000);
    expect(line.latencyUs.p50).to.be.within(1, 1.01);
    expect(line.latencyUs.p99).to.be.within(100, 101);
    expect(line.conflatedTicks).to.equal(3);
    // The next interval counts only what came after.
    decide(sources[0], 50, 2_000);
    const next = reporter.report(2e9) as { ordersPerS: number; latencyUs: { count: number; p99: number } };
    expect(next.ordersPerS).to.equal(50);
    expect(next.latencyUs.count).to.equal(50);
    expect(next.latencyUs.p99).to.be.within(2, 2.02);
    expect(logged.filter((l) => l.msg === 'metrics')).to.have.length(2);
    const summary = reporter.summary(2e9, {}) as { generated: number; decided: number; lost: number; latencyUs: { count: number } };
    expect([summary.generated, summary.decided, summary.lost, summary.latencyUs.count]).to.deep.equal([1050, 1050, 0, 1050]);
    mainGc.stop();
  });

  it('prints a table within 160 columns, and the rejects by reason on a line of their own every 10 rows', () => {
    const { sources, reporter, mainGc } = setup('table');
    const out = stdoutOf(() => {
      for (let s = 1; s <= 20; s++) {
        decide(sources[0], 1000, 5_000, 7);
        reporter.report(s * 1e9);
      }
    });
    mainGc.stop();
    const lines = out.trimEnd().split('\n');
    for (const l of lines) expect(l.length, l).to.be.at.most(160);
    const rejectLines = lines.filter((l) => l.startsWith('  rejects, last 10 s:'));
    expect(rejectLines).to.deep.equal(['  rejects, last 10 s: TRADING_HALTED=70', '  rejects, last 10 s: TRADING_HALTED=70']);
    expect(lines[0]).to.match(/time s +orders\/s/);
    expect(lines.length).to.equal(1 + 20 + 2); // one header (every 20 rows), 20 rows, 2 reject lines
  });

  it('prints the summary for people as a short table: every topic on its rows, within 160 columns, nothing dropped', () => {
    const many = Object.fromEntries(Array.from({ length: 27 }, (_, i) => [`REJECT_REASON_NUMBER_${i}`, 1000 + i]));
    const lines = summaryTable({
      elapsedS: 4, generated: 801692, decided: 801692, accepted: 793597, rejectedTotal: 8095, lost: 0, duplicates: 0, ordersPerS: 199115,
      backpressure: 0, conflatedTicks: 0, rejected: many,
      latencyUs: { count: 801692, p50: 1.62, p99: 1441.79, p999: 5013.5, max: 6160.38 },
      hopsUs: { lateness: { p50: 0.08, p99: 244.74 }, queued: { p50: 0.47, p99: 407.55 }, back: { p50: 1.06, p99: 118.27 } },
      tickLatencyUs: { count: 1, p50: 2, p99: 3, p999: 4, max: 5 },
      gc: { main: 0, workers: 0, sources: 0, pauseMs: 0 },
      sources: [{ id: 0, core: 0, pinned: true, generated: 801692, warmupMs: 1228 }],
      workers: [{ id: 0, core: 1, pinned: false, orders: 801692, restarts: 1, warmupMs: 1212 }],
      sched: { workers: { waitPct: 0.76, preemptedPerS: 30.9 }, sources: null },
      risk: { trading: 'ACTIVE', exposure: { used: 1, limit: 2 } },
      fatal: 'worker 1 kept dying',
    });
    for (const l of lines) expect(l.length, l).to.be.at.most(160);
    const text = lines.join('\n');
    expect(text).to.match(/^ {2}orders +generated 801,692, decided 801,692, accepted 793,597, rejected 8,095, lost 0, duplicates 0, 199,115\/s/m);
    expect(text).to.match(/^ {2}latency +p50 1\.62 us, p99 1,441\.79 us/m);
    expect(text).to.match(/^ {2}hops p99 +lateness 244\.74 us, queued 407\.55 us, back 118\.27 us$/m);
    expect(text).to.include('worker 0 core 1 (not pinned): 801,692 orders, 1 restarts, warm-up 1,212 ms');
    // 27 reasons wrap onto several lines, and every one is there.
    for (let i = 0; i < 27; i++) expect(text).to.include(`REJECT_REASON_NUMBER_${i} ${(1000 + i).toLocaleString('en-US')}`);
    expect(lines.filter((l) => l.includes('REJECT_REASON_NUMBER_')).length).to.be.greaterThan(1);
    expect(text).to.match(/^ {2}risk +trading ACTIVE, exposure \{"used":1,"limit":2\}$/m);
    expect(text).to.match(/^ {2}fatal +worker 1 kept dying$/m);
    expect(text).to.match(/^ {2}cores +workers waited 0\.76 % of the time for their core \(worst\), 30\.9 preemptions\/s, sources: no scheduler figures$/m);
  });
});
