/**
 * Correlation kernels: M series of N points in, the M x M sample covariance
 * (divisor N - 1) and Pearson correlation out. Four implementations behind one
 * interface, so the pool and the bench drive them alike:
 *   wasm-simd    AssemblyScript, f64x2 dot products (core/portfolio/wasm-kernel.ts)
 *   wasm-scalar  the same source built without SIMD
 *   ts-scalar    the best scalar TypeScript: the same method (standardise each series once,
 *                then dot products over Float64Array, in 2 x 2 blocks of rows: 1.6x faster
 *                here than one pair at a time with four accumulators); the fallback without WASM SIMD
 *   ts-naive     Pearson per pair from the raw series (means, sums of squares and products
 *                recomputed for each of the M*M pairs): the baseline and the tests' reference
 * A constant series (zero variance) has correlation 0 with every other series
 * and 1 with itself, covariance 0, in the first three; the naive one gives NaN
 * off the diagonal there (0 / 0), as a textbook Pearson does.
 */

export type KernelName = 'wasm-simd' | 'wasm-scalar' | 'ts-scalar' | 'ts-naive';

export interface CorrelationKernel {
  readonly name: KernelName;
  /**
   * Sizes the kernel for m series of n points (n >= 2) and returns the m*n row-major input to
   * fill (series i at [i*n, i*n + n)); valid, like cov and corr, until the next resize.
   */
  resize(m: number, n: number): Float64Array;
  /** Computes cov and corr from the input the last resize returned. */
  compute(): void;
  /** m*m, row-major, after compute(). */
  readonly cov: Float64Array;
  readonly corr: Float64Array;
}

/** Holds the input and outputs in plain typed arrays, grown (never shrunk) as resize asks. */
abstract class TsKernel implements CorrelationKernel {
  abstract readonly name: KernelName;
  protected m = 0;
  protected n = 0;
  protected input = new Float64Array(0);
  cov = new Float64Array(0);
  corr = new Float64Array(0);

  resize(m: number, n: number): Float64Array {
    if (!(Number.isInteger(m) && m >= 1 && Number.isInteger(n) && n >= 2)) throw new RangeError(`kernel needs m >= 1 series of n >= 2 points, got ${m} x ${n}`);
    this.m = m;
    this.n = n;
    if (this.input.length !== m * n) this.input = new Float64Array(m * n);
    if (this.cov.length !== m * m) {
      this.cov = new Float64Array(m * m);
      this.corr = new Float64Array(m * m);
    }
    this.onResize();
    return this.input;
  }

  protected onResize(): void {}

  abstract compute(): void;
}

/** Dot product of a[ai..ai+n) and b[bi..bi+n), four accumulators. */
function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += a[ai + k] * b[bi + k];
    s1 += a[ai + k + 1] * b[bi + k + 1];
    s2 += a[ai + k + 2] * b[bi + k + 2];
    s3 += a[ai + k + 3] * b[bi + k + 3];
  }
  let t = s0 + s1 + (s2 + s3);
  for (; k < n; k++) t += a[ai + k] * b[bi + k];
  return t;
}

export class ScalarKernel extends TsKernel {
  readonly name = 'ts-scalar' as const;
  private z = new Float64Array(0);
  private scale = new Float64Array(0);

  protected override onResize(): void {
    if (this.z.length !== this.input.length) this.z = new Float64Array(this.input.length);
    if (this.scale.length !== this.m) this.scale = new Float64Array(this.m);
  }

  compute(): void {
    const { m, n, input: x, z, scale } = this;
    for (let i = 0; i < m; i++) {
      const o = i * n;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += x[o + k];
      const mean = sum / n;
      for (let k = 0; k < n; k++) z[o + k] = x[o + k] - mean;
      const ss = dot(z, o, z, o, n);
      const norm = Math.sqrt(ss);
      const inv = norm > 0 ? 1 / norm : 0;
      for (let k = 0; k < n; k++) z[o + k] *= inv;
      scale[i] = Math.sqrt(ss / (n - 1));
    }
    // Pairs in 2 x 2 blocks over the upper triangle (rows i, i1 against j, j1 in one pass: each
    // point loaded serves two products); an odd last row or column repeats itself.
    for (let i = 0; i < m; i += 2) {
      const i1 = i + 1 < m ? i + 1 : i;
      const a = i * n;
      const b = i1 * n;
      for (let j = i; j < m; j += 2) {
        const j1 = j + 1 < m ? j + 1 : j;
        const c = j * n;
        const d = j1 * n;
        let ac = 0;
        let ad = 0;
        let bc = 0;
        let bd = 0;
        for (let k = 0; k < n; k++) {
          const xa = z[a + k];
          const xb = z[b + k];
          const xc = z[c + k];
          const xd = z[d + k];
          ac += xa * xc;
          ad += xa * xd;
          bc += xb * xc;
          bd += xb * xd;
        }
        this.put(i, j, ac);
        this.put(i, j1, ad);
        this.put(i1, j, bc);
        this.put(i1, j1, bd);
      }
    }
    // The diagonal is 1 by definition (a constant series' too: see the top).
    for (let i = 0; i < m; i++) this.put(i, i, 1);
  }

  /** Stores correlation r of series i and j, and their covariance, at (i, j) and (j, i). */
  private put(i: number, j: number, r: number): void {
    const m = this.m;
    const c = r * this.scale[i] * this.scale[j];
    this.corr[i * m + j] = r;
    this.corr[j * m + i] = r;
    this.cov[i * m + j] = c;
    this.cov[j * m + i] = c;
  }
}

export class NaiveKernel extends TsKernel {
  readonly name = 'ts-naive' as const;

  compute(): void {
    const { m, n, input: x, cov, corr } = this;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let sx = 0;
        let sy = 0;
        for (let k = 0; k < n; k++) {
          sx += x[i * n + k];
          sy += x[j * n + k];
        }
        const mx = sx / n;
        const my = sy / n;
        let sxy = 0;
        let sxx = 0;
        let syy = 0;
        for (let k = 0; k < n; k++) {
          const dx = x[i * n + k] - mx;
          const dy = x[j * n + k] - my;
          sxy += dx * dy;
          sxx += dx * dx;
          syy += dy * dy;
        }
        cov[i * m + j] = sxy / (n - 1);
        corr[i * m + j] = sxy / Math.sqrt(sxx * syy);
      }
    }
  }
}
