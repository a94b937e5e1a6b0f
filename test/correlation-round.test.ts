/**
 * One recomputation (core/portfolio/correlation-round.ts): nothing published
 * while the windows hold fewer than minPoints returns; then the matrix of the
 * last n slots up to the newest any symbol has, a symbol without ticks since
 * counting as unmoved (0 returns), equal to the naive Pearson of those series.
 */
import { expect } from 'chai';
import { NaiveKernel } from '../core/portfolio/correlation-kernels.js';
import { CorrelationRound } from '../core/portfolio/correlation-round.js';
import { createKernel } from '../core/portfolio/wasm-kernel.js';
import { CovarianceView, createCovarianceMatrix } from '../ipc/covariance-layout.js';
import { ReturnsWriter, createReturnsWindow } from '../ipc/returns-window-layout.js';

const MS = 1e6;

describe('correlation round', () => {
  it('waits for minPoints returns, then publishes the aligned window with a stale symbol as 0 returns', () => {
    const geometry = { symbols: 3, window: 8, sampleMs: 1 };
    const returns = createReturnsWindow(geometry);
    const covariance = createCovarianceMatrix(geometry);
    const round = new CorrelationRound(returns, covariance, createKernel('wasm-simd'), 4);
    const view = new CovarianceView(covariance);
    const w = new ReturnsWriter(returns);
    const at = new Float64Array(2);
    const sample = (s: number, mid: number, slot: number) => {
      at[0] = mid;
      at[1] = slot * MS;
      w.sample(s, at);
    };
    expect(round.run(0)).to.deep.equal({ outcome: 'warming', points: 0 });
    // Symbols 0 and 1 tick at slots 0..12; symbol 2 from slot 2 to slot 9, then falls silent.
    const mids = [[100], [50], [10]];
    for (let slot = 0; slot <= 12; slot++) {
      for (let s = 0; s < 3; s++) {
        const m = mids[s][mids[s].length - 1] * (1 + 0.01 * Math.sin(slot * (s + 1) + s));
        mids[s].push(m);
        if (s < 2 || (slot >= 2 && slot <= 9)) sample(s, m, slot);
      }
      if (slot === 2) {
        expect(round.run(0)).to.deep.equal({ outcome: 'warming', points: 2 });
        expect(view.version()).to.equal(0);
      }
    }
    const result = round.run(42);
    expect(result).to.include({ outcome: 'published', version: 1, points: 8 });
    // Slots 5..12: symbol 2's returns at 5..9, then 0 (no tick since slot 9).
    const naive = new NaiveKernel();
    const input = naive.resize(3, 8);
    for (let s = 0; s < 3; s++) {
      for (let k = 0; k < 8; k++) {
        const slot = 5 + k;
        input[s * 8 + k] = s === 2 && slot > 9 ? 0 : Math.log(mids[s][slot + 1] / mids[s][slot]);
      }
    }
    naive.compute();
    const corr = new Float64Array(9);
    expect(view.readCorrelation(corr)).to.equal(1);
    for (let k = 0; k < 9; k++) expect(corr[k]).to.be.closeTo(naive.corr[k], 1e-12);
    expect(view.info()).to.deep.equal({ version: 1, points: 8, computedNs: 42 });
  });
});
