/**
 * The correlation kernels (core/portfolio/): WASM SIMD, WASM scalar and the
 * best scalar TypeScript agree with the naive per-pair Pearson to 1e-12 on
 * random series, and the kernel choice falls back to scalar TypeScript when
 * the runtime has no WASM SIMD.
 */
import { expect } from 'chai';
import { NaiveKernel, type CorrelationKernel } from '../core/portfolio/correlation-kernels.js';
import { bestKernelName, createKernel } from '../core/portfolio/wasm-kernel.js';
import { Prng } from '../core/random/prng.js';

const FAST = ['wasm-simd', 'wasm-scalar', 'ts-scalar'] as const;

/** m series of n points: a common factor plus noise, so correlations span (-1, 1). */
function randomSeries(m: number, n: number, seed: number): Float64Array {
  const rnd = new Prng(seed);
  const x = new Float64Array(m * n);
  for (let k = 0; k < n; k++) {
    const common = rnd.next() - 0.5;
    for (let i = 0; i < m; i++) x[i * n + k] = ((i % 3) - 1) * common + (rnd.next() - 0.5) * (1 + i);
  }
  return x;
}

function run(kernel: CorrelationKernel, series: Float64Array, m: number, n: number): { cov: number[]; corr: number[] } {
  kernel.resize(m, n).set(series);
  kernel.compute();
  return { cov: Array.from(kernel.cov), corr: Array.from(kernel.corr) };
}

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).to.equal(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

describe('correlation kernels', () => {
  // n = 1003: the unrolled loops' tails; n = 5: a series shorter than one unrolled step.
  for (const [m, n] of [[7, 1003], [3, 5], [1, 2]] as const) {
    it(`agree with the naive per-pair Pearson to 1e-12 (${m} x ${n})`, () => {
      const series = randomSeries(m, n, 11 * m + n);
      const ref = run(new NaiveKernel(), series, m, n);
      for (const name of FAST) {
        const got = run(createKernel(name), series, m, n);
        expect(maxDiff(got.corr, ref.corr), `${name} correlation`).to.be.below(1e-12);
        expect(maxDiff(got.cov, ref.cov), `${name} covariance`).to.be.below(1e-12);
      }
      // Not all near 0 or 1: the comparison saw real correlations.
      if (m > 2) expect(Math.max(...ref.corr.map((r) => (Math.abs(r) < 0.999 ? Math.abs(r) : 0)))).to.be.above(0.1);
    });
  }

  it('give a constant series correlation 0 with the others, 1 with itself, covariance 0', () => {
    const series = randomSeries(2, 16, 3);
    series.fill(0.25, 16, 32);
    for (const name of FAST) {
      const got = run(createKernel(name), series, 2, 16);
      expect(got.corr.slice(1), name).to.deep.equal([0, 0, 1]);
      expect(got.cov.slice(1), name).to.deep.equal([0, 0, 0]);
    }
  });

  it('are resized between sizes without stale results', () => {
    for (const name of FAST) {
      const k = createKernel(name);
      run(k, randomSeries(5, 100, 1), 5, 100);
      const small = randomSeries(2, 40, 2);
      expect(maxDiff(run(k, small, 2, 40).corr, run(new NaiveKernel(), small, 2, 40).corr), name).to.be.below(1e-12);
    }
  });

  it('choose WASM SIMD when the runtime has it, the scalar TypeScript kernel when not', () => {
    expect(bestKernelName(() => true)).to.equal('wasm-simd');
    expect(bestKernelName(() => false)).to.equal('ts-scalar');
  });
});
