/**
 * var: the pre-trade portfolio VaR check per order (core/risk/portfolio-var.ts)
 * for M = 10, 50, 200 symbols, on a random covariance and a random book:
 *   check          exceeds(): the O(1) delta variance, 2 dw (Sigma w)_i + dw^2 Sigma_ii
 *   check + commit an accepted order: the check, then w_i and Sigma w moved in O(M)
 *   baseline       the same decision the usual way, in the same run: w' Sigma w' recomputed
 *                  in full (O(M^2)) per order
 * Orders are timed in blocks of 64 with the shared clock (its cost measured and
 * subtracted), each block giving one per-order figure; p50/p99 are over blocks
 * (as perf/risk-bench.ts). Buys and sells alternate so the book stays put.
 * GCs counted over each timed run.
 */
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { Prng } from '../core/random/prng.js';
import { AccountField, LIMIT_STRIDE } from '../core/risk/limits-table.js';
import { PortfolioVar, type CovarianceSource } from '../core/risk/portfolio-var.js';
import { createPositionBoard } from '../core/risk/position-board.js';
import { PositionBook } from '../core/risk/position-book.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { NewOrder, Side } from '../ipc/frame-layout.js';
import { clockReadCost, machineInfo, median, percentile, timeRatio, type BenchReport, type BenchResult } from './bench-report.js';

const BLOCK = 64;
const SIZES = [10, 50, 200];

/** A covariance published once: version 1. */
class FixedCovariance implements CovarianceSource {
  constructor(
    readonly symbols: number,
    private readonly matrix: Float64Array,
  ) {}
  version(): number {
    return 1;
  }
  readCovariance(out: Float64Array): number {
    out.set(this.matrix);
    return 1;
  }
}

/** A random sample covariance (A A' / M plus a diagonal), per-sample vols near 0.1 %. */
function covariance(m: number, rnd: Prng): Float64Array {
  const a = Float64Array.from({ length: m * m }, () => (rnd.next() * 2 - 1) * 1.7e-3);
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let acc = 0;
      for (let k = 0; k < m; k++) acc += a[i * m + k] * a[j * m + k];
      c[i * m + j] = c[j * m + i] = acc / m + (i === j ? 1e-7 : 0);
    }
  }
  return c;
}

function stats(name: string, perOrder: Float64Array, gcs: number): BenchResult {
  const xs = Array.from(perOrder);
  return { name, unit: 'ns/order', median: median(xs), p99: percentile(xs, 99), runs: xs.length, note: `p99.9 ${percentile(xs, 99.9).toFixed(0)} ns; ${gcs} GCs` };
}

export async function run(args: string[]): Promise<BenchReport> {
  const blocks = Number(args.find((a) => a.startsWith('--blocks='))?.slice(9) ?? 20_000);
  const clock = monotonicClock();
  const clockCost = clockReadCost(clock);
  const results: BenchResult[] = [];
  const ratios: Record<string, number> = {};

  for (const m of SIZES) {
    const rnd = new Prng(m);
    const sigma = covariance(m, rnd);
    const pb = new PositionBook(m);
    const book = new ReferenceBook(m);
    for (let s = 0; s < m; s++) {
      book.last[s] = 10 + rnd.next() * 1000;
      pb.position[s] = (rnd.next() * 2 - 1) * 100;
    }
    const account = new Float64Array(LIMIT_STRIDE);
    account[AccountField.varLimit] = 1e15; // never reached: every order takes the full path
    account[AccountField.varConfidence] = 0.99;
    account[AccountField.varHorizonMs] = 86_400_000;
    account[AccountField.varFallbackDailyVol] = 0.05;
    account[AccountField.varFallbackCorrelation] = 0.8;
    const own = new Uint8Array(m).fill(1);
    const pv = new PortfolioVar({ covariance: new FixedCovariance(m, sigma), board: createPositionBoard(m), sampleMs: 1000, own }, pb, book, account);
    const regs = new Float64Array(1);
    pv.beginBatchAt(regs, 0);
    // The orders: symbol, side and quantity per slot of a block (alternating sides: the book stays put).
    const sym = Int32Array.from({ length: BLOCK }, () => rnd.below(m));
    const order = new Float64Array(8);
    order[NewOrder.quantity] = 0.5;
    // Baseline state: its own w, its own scratch.
    const w = Float64Array.from({ length: m }, (_, s) => pb.position[s] * book.last[s]);
    let sink = 0;

    const timed = (count: number, record: boolean, body: () => void): { perOrder: Float64Array; gcs: number } => {
      const perOrder = new Float64Array(record ? count : 0);
      const meter = record ? new GcMeter() : undefined;
      for (let b = 0; b < count; b++) {
        clock.update();
        const t0 = clock.reading[0];
        body();
        clock.update();
        if (record) perOrder[b] = (clock.reading[0] - t0 - clockCost) / BLOCK;
      }
      meter?.stop();
      return { perOrder, gcs: meter?.count ?? 0 };
    };
    const checkBlock = () => {
      for (let k = 0; k < BLOCK; k++) if (pv.exceeds(sym[k], (k & 1) === 0 ? Side.Buy : Side.Sell, order, 0)) sink++;
    };
    const commitBlock = () => {
      for (let k = 0; k < BLOCK; k++) {
        const s = sym[k];
        const buy = (k & 1) === 0;
        if (!pv.exceeds(s, buy ? Side.Buy : Side.Sell, order, 0)) {
          pb.position[s] += buy ? 0.5 : -0.5;
          pv.commit(s);
        }
      }
    };
    const limit = 1e15;
    const baselineBlock = () => {
      for (let k = 0; k < BLOCK; k++) {
        const s = sym[k];
        const dw = ((k & 1) === 0 ? 0.5 : -0.5) * book.last[s];
        const before = w[s];
        w[s] = before + dw;
        let v = 0;
        for (let i = 0; i < m; i++) {
          let acc = 0;
          for (let j = 0; j < m; j++) acc += sigma[i * m + j] * w[j];
          v += w[i] * acc;
        }
        if (v > limit) {
          w[s] = before;
          sink++;
        }
      }
    };
    // The baseline's O(M^2) per order: fewer blocks at M = 200 keep the run short.
    const baseBlocks = Math.max(200, Math.min(blocks, Math.round((blocks * 400) / (m * m))));
    timed(blocks >> 2, false, checkBlock); // warm-up: JIT tiers settle
    timed(blocks >> 2, false, commitBlock);
    timed(baseBlocks >> 2, false, baselineBlock);
    const c = timed(blocks, true, checkBlock);
    const cc = timed(blocks, true, commitBlock);
    const base = timed(baseBlocks, true, baselineBlock);
    const r1 = stats(`M=${m}: check (O(1) delta variance)`, c.perOrder, c.gcs);
    const r2 = stats(`M=${m}: check + commit of an accepted order (O(M))`, cc.perOrder, cc.gcs);
    const r3 = stats(`M=${m}: baseline: full w' Sigma w' per order (O(M^2))`, base.perOrder, base.gcs);
    results.push(r1, r2, r3);
    ratios[`vs_full_recompute_check_p50_M${m}`] = timeRatio(r1.median, r3.median);
    ratios[`vs_full_recompute_commit_p50_M${m}`] = timeRatio(r2.median, r3.median);
    if (sink < 0) throw new Error('unreachable: keeps the work observable');
  }
  results.push({ name: 'clock read (subtracted per block)', unit: 'ns', median: clockCost, runs: 2001 });
  return { suite: 'var', machine: machineInfo(), results, ratios };
}
