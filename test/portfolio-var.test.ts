/**
 * The portfolio VaR check's arithmetic on its own (core/risk/portfolio-var.ts):
 * the O(1) delta variance against a direct O(M^2) recompute, Sigma w kept
 * incrementally against a recompute after many changes, one recompute per
 * matrix version, the stand-in matrix before any is published, the other
 * workers' exposure from the position board (and how stale it may be), and
 * no allocation on the per-order path.
 */
import { expect } from 'chai';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { AccountField, LIMIT_STRIDE } from '../core/risk/limits-table.js';
import { normalQuantile } from '../core/risk/normal-quantile.js';
import { OTHERS_REFRESH_NS, PortfolioVar, STAND_IN } from '../core/risk/portfolio-var.js';
import { createPositionBoard, PositionBoardWriter, PositionField, ROW_FIELDS } from '../core/risk/position-board.js';
import { PositionBook } from '../core/risk/position-book.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { Prng } from '../core/random/prng.js';
import { NewOrder, Side } from '../ipc/frame-layout.js';
import { FakeCovariance, quadratic, randomCovariance } from './fixtures/covariance.js';

interface Rig {
  pv: PortfolioVar;
  cov: FakeCovariance;
  pb: PositionBook;
  book: ReferenceBook;
  board: SharedArrayBuffer;
  account: Float64Array;
  clock: Float64Array;
  /** Advances the clock by `ns` and runs the batch start. */
  batch: (ns?: number) => void;
  /** exceeds() for an order of `qty` (signed: buy > 0) on s. */
  exceeds: (s: number, qty: number) => boolean;
}

const SAMPLE_MS = 1000;

function rig(m: number, o: { own?: (s: number) => boolean; limit?: number; horizonMs?: number; vol?: number; rho?: number } = {}): Rig {
  const cov = new FakeCovariance(m);
  const pb = new PositionBook(m);
  const book = new ReferenceBook(m);
  const board = createPositionBoard(m);
  const account = new Float64Array(LIMIT_STRIDE);
  account[AccountField.varLimit] = o.limit ?? 1e12;
  account[AccountField.varConfidence] = 0.99;
  account[AccountField.varHorizonMs] = o.horizonMs ?? SAMPLE_MS;
  account[AccountField.varFallbackDailyVol] = o.vol ?? 0.05;
  account[AccountField.varFallbackCorrelation] = o.rho ?? 0.8;
  const own = Uint8Array.from({ length: m }, (_, s) => ((o.own ?? (() => true))(s) ? 1 : 0));
  const pv = new PortfolioVar({ covariance: cov, board, sampleMs: SAMPLE_MS, own }, pb, book, account);
  const clock = new Float64Array(1);
  const order = new Float64Array(8);
  return {
    pv, cov, pb, book, board, account, clock,
    batch: (ns = 0) => {
      clock[0] += ns;
      pv.beginBatchAt(clock, 0);
    },
    exceeds: (s, qty) => {
      order[NewOrder.quantity] = Math.abs(qty);
      return pv.exceeds(s, qty > 0 ? Side.Buy : Side.Sell, order, 0);
    },
  };
}

/** Random positions and marks on every symbol. */
function scatter(r: Rig, rnd: Prng): void {
  for (let s = 0; s < r.pb.symbols; s++) {
    r.book.last[s] = 10 + rnd.next() * 1000;
    r.pb.position[s] = (rnd.next() * 2 - 1) * 100;
  }
}

/** The committed notional vector, as the check defines it, from scratch. */
function exposure(r: Rig): Float64Array {
  const pb = r.pb;
  return Float64Array.from({ length: pb.symbols }, (_, s) => (pb.position[s] + pb.openBuyQty[s] - pb.openSellQty[s]) * r.book.last[s]);
}

function close(a: number, b: number, rel: number, what: string): void {
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).to.be.at.most(rel * Math.max(Math.abs(a), Math.abs(b)));
}

describe('portfolio VaR (O(1) per order, Sigma w per matrix version)', () => {
  it('the delta formula matches a direct O(M^2) recompute on random matrices (1e-9 relative)', () => {
    const rnd = new Prng(11);
    for (const m of [3, 17, 60]) {
      const r = rig(m);
      const c = randomCovariance(m, m);
      r.cov.publish(c);
      scatter(r, rnd);
      r.batch();
      const w = exposure(r);
      close(r.pv.variance, quadratic(c, w), 1e-9, `V, M=${m}`);
      for (let k = 0; k < 200; k++) {
        const s = rnd.below(m);
        const qty = (rnd.next() * 2 - 1) * 150;
        r.exceeds(s, qty);
        const w2 = Float64Array.from(w);
        w2[s] += qty * r.book.last[s];
        close(r.pv.varianceAfter, quadratic(c, w2), 1e-9, `V after order ${k}, M=${m}`);
      }
    }
  });

  it('Sigma w kept incrementally over 10 000 changes of own exposure matches a recompute', () => {
    const m = 40;
    const rnd = new Prng(5);
    const r = rig(m);
    const c = randomCovariance(m, 9);
    r.cov.publish(c);
    scatter(r, rnd);
    r.batch();
    const before = r.pv.recomputes;
    for (let k = 0; k < 10_000; k++) {
      const s = rnd.below(m);
      if ((k & 3) === 0) r.book.last[s] *= 1 + (rnd.next() - 0.5) * 0.01; // the mark moves
      if ((k & 1) === 0) r.pb.openBuyQty[s] += rnd.next() * 5; // an accepted order
      else r.pb.position[s] += (rnd.next() * 2 - 1) * 5; // a fill
      r.pv.commit(s);
    }
    expect(r.pv.recomputes, 'no recompute between batches').to.equal(before);
    const w = exposure(r);
    const direct = Float64Array.from({ length: m }, (_, i) => w.reduce((a, x, j) => a + c[i * m + j] * x, 0));
    const largest = direct.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    for (let i = 0; i < m; i++) {
      expect(Math.abs(r.pv.sigmaW[i] - direct[i]), `(Sigma w)_${i}`).to.be.at.most(1e-9 * largest);
      close(r.pv.w[i], w[i], 1e-12, `w_${i}`);
    }
    close(r.pv.variance, quadratic(c, w), 1e-9, 'V');
  });

  it('a new matrix version costs exactly one recompute; unchanged versions and refreshes cost none', () => {
    const r = rig(8);
    scatter(r, new Prng(2));
    r.cov.publish(randomCovariance(8, 1));
    r.batch();
    const n = r.pv.recomputes;
    for (let k = 0; k < 50; k++) r.batch(OTHERS_REFRESH_NS);
    expect(r.pv.recomputes).to.equal(n);
    expect(r.cov.reads).to.equal(1);
    const c2 = randomCovariance(8, 2);
    r.cov.publish(c2);
    for (let k = 0; k < 50; k++) r.batch(OTHERS_REFRESH_NS);
    expect(r.pv.recomputes).to.equal(n + 1);
    expect(r.pv.matrixVersion).to.equal(r.cov.current);
    close(r.pv.variance, quadratic(c2, exposure(r)), 1e-12, 'V on the new matrix');
    // A torn copy keeps the old matrix, and the next batch tries again.
    r.cov.torn = true;
    r.cov.publish(randomCovariance(8, 3));
    r.batch();
    expect(r.pv.matrixVersion).to.equal(r.cov.current - 1);
    r.cov.torn = false;
    r.batch();
    expect(r.pv.matrixVersion).to.equal(r.cov.current);
    expect(r.pv.recomputes).to.equal(n + 2);
  });

  it('before any matrix: the stand-in (fallbackDailyVol, fallbackCorrelation); non-finite published entries take its values', () => {
    const day = 86_400_000;
    const r = rig(3, { horizonMs: day, vol: 0.05, rho: 0.8 });
    r.book.last.set([100, 100, 100]);
    r.pb.position.set([1000, 0, 0]); // 100 000 long in one symbol
    r.batch();
    expect(r.pv.matrixVersion).to.equal(STAND_IN);
    // One symbol at 5 % a day over a one-day horizon: VaR = z * 5 % * notional.
    close(r.pv.valueAtRisk, normalQuantile(0.99) * 0.05 * 100_000, 1e-12, 'VaR of one symbol');
    r.pb.position.set([1000, 1000, 0]);
    r.pv.commit(1);
    close(r.pv.valueAtRisk, normalQuantile(0.99) * 0.05 * 1e5 * Math.sqrt(2 + 2 * 0.8), 1e-12, 'VaR of two correlated longs');
    const c = randomCovariance(3, 4);
    c[0 * 3 + 2] = c[2 * 3 + 0] = NaN;
    r.cov.publish(c);
    r.batch();
    expect(r.pv.matrixVersion).to.equal(1);
    close(r.pv.sigma[2], (0.8 * 0.05 * 0.05 * SAMPLE_MS) / day, 1e-12, 'stand-in covariance');
    expect(r.pv.sigma[1]).to.equal(c[1]);
  });

  it('other workers\' exposure comes from the board, at most one refresh interval stale; a torn row keeps the last copy', () => {
    const m = 4;
    const r = rig(m, { own: (s) => s % 2 === 0 });
    const c = randomCovariance(m, 8);
    r.cov.publish(c);
    r.book.last.set([10, NaN, 20, NaN]);
    r.pb.position.set([5, 0, -3, 0]);
    r.batch();
    const writer = new PositionBoardWriter(r.board);
    const row = new Float64Array(ROW_FIELDS);
    row[PositionField.position] = 7;
    row[PositionField.openNetQty] = -2;
    row[PositionField.refMid] = 30;
    writer.write(1, row);
    r.batch(OTHERS_REFRESH_NS / 2);
    expect(r.pv.w[1], 'not re-read within the interval').to.equal(0);
    r.batch(OTHERS_REFRESH_NS / 2);
    expect(r.pv.w[1]).to.equal((7 - 2) * 30);
    close(r.pv.variance, quadratic(c, Float64Array.from([50, 150, -60, 0])), 1e-12, 'V with the other worker\'s row');
    // The owner dies mid-write (odd seq): its row keeps the value last read.
    const seq = new Int32Array(r.board, 128 + 64, 1);
    Atomics.add(seq, 0, 1);
    row[PositionField.position] = 100;
    r.batch(OTHERS_REFRESH_NS);
    expect(r.pv.w[1]).to.equal(150);
  });

  it('allocates nothing per order: 300 k checks, commits and batch starts (with board reads and new matrices), zero GCs', () => {
    const m = 32;
    const r = rig(m, { own: (s) => s < 16 });
    const mats = [randomCovariance(m, 1), randomCovariance(m, 2)];
    r.cov.publish(mats[0]);
    scatter(r, new Prng(3));
    const writer = new PositionBoardWriter(r.board);
    const row = new Float64Array(ROW_FIELDS);
    const run = (n: number) => {
      for (let k = 0; k < n; k++) {
        const s = k & 15;
        if (r.exceeds(s, (k & 1) === 0 ? 0.5 : -0.5) === false) {
          r.pb.position[s] += (k & 1) === 0 ? 0.5 : -0.5;
          r.pv.commit(s);
        }
        if ((k & 63) === 0) {
          row[PositionField.position] = k & 255;
          row[PositionField.refMid] = 100 + (k & 7);
          writer.write(16 + ((k >> 6) & 15), row);
          r.batch(OTHERS_REFRESH_NS);
        }
        if ((k & 16383) === 0) r.cov.publish(mats[(k >> 14) & 1]);
      }
    };
    run(100_000); // warm-up: JIT tiers settle
    (globalThis as { gc?: () => void }).gc?.();
    const meter = new GcMeter();
    run(300_000);
    meter.stop();
    expect(r.pv.recomputes).to.be.greaterThan(10);
    expect(meter.count, `${meter.count} GCs`).to.equal(0);
  });
});
