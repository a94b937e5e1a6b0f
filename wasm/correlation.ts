/**
 * AssemblyScript source of the correlation kernel (not TypeScript: compiled by
 * `asc` in `npm run build:wasm`, twice: with `--enable simd` into
 * dist/wasm/correlation-simd.wasm and without into correlation-scalar.wasm;
 * ASC_FEATURE_SIMD picks the branch at compile time, so the scalar module holds
 * no v128 instruction at all).
 *
 * Memory, laid out by layout(m, n) from the heap base, every block 16-aligned:
 *   series  m*n f64   input, row-major: series i is points [i*n, i*n+n) (the caller writes it)
 *   z       m*n f64   series i standardised: (x - mean) / sqrt(sum (x - mean)^2), so |z_i| = 1
 *   scale   m   f64   sqrt(sum (x - mean)^2 / (n - 1)): the sample standard deviation
 *   cov     m*m f64   output: sample covariance (divisor n - 1)
 *   corr    m*m f64   output: Pearson correlation
 * Method: standardise each series once (O(m n)); then corr(i, j) = z_i . z_j
 * for i <= j (m (m + 1) / 2 dot products, f64x2 with four accumulators, eight
 * points an iteration) and cov(i, j) = corr(i, j) * scale_i * scale_j: the
 * covariance comes from the same pass. A constant series (zero variance) has
 * z = 0: correlation 0 with every other series, 1 with itself, covariance 0.
 */

let seriesAt: usize = 0;
let zAt: usize = 0;
let scaleAt: usize = 0;
let covAt: usize = 0;
let corrAt: usize = 0;

function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

/** Lays out the blocks for m series of n points, growing memory if needed; returns the series offset. */
export function layout(m: i32, n: i32): usize {
  seriesAt = align16(__heap_base);
  zAt = align16(seriesAt + <usize>m * n * 8);
  scaleAt = align16(zAt + <usize>m * n * 8);
  covAt = align16(scaleAt + <usize>m * 8);
  corrAt = align16(covAt + <usize>m * m * 8);
  const end = corrAt + <usize>m * m * 8;
  const have = <usize>memory.size() << 16;
  if (end > have) {
    if (memory.grow(<i32>((end - have + 0xffff) >> 16)) < 0) unreachable();
  }
  return seriesAt;
}

export function zOffset(): usize { return zAt; }
export function covOffset(): usize { return covAt; }
export function corrOffset(): usize { return corrAt; }

/** Sum of a[0..n) (four accumulators). */
function sum(a: usize, n: i32): f64 {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (; k + 4 <= n; k += 4) {
      const p = a + (<usize>k << 3);
      s0 = f64x2.add(s0, v128.load(p));
      s1 = f64x2.add(s1, v128.load(p, 16));
    }
    const s = f64x2.add(s0, s1);
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; k < n; k++) t += load<f64>(a + (<usize>k << 3));
    return t;
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (; k + 4 <= n; k += 4) {
      const p = a + (<usize>k << 3);
      s0 += load<f64>(p);
      s1 += load<f64>(p, 8);
      s2 += load<f64>(p, 16);
      s3 += load<f64>(p, 24);
    }
    let t = (s0 + s1) + (s2 + s3);
    for (; k < n; k++) t += load<f64>(a + (<usize>k << 3));
    return t;
  }
}

/** Dot product of a[0..n) and b[0..n). */
function dot(a: usize, b: usize, n: i32): f64 {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    for (; k + 8 <= n; k += 8) {
      const o = <usize>k << 3;
      const p = a + o;
      const q = b + o;
      s0 = f64x2.add(s0, f64x2.mul(v128.load(p), v128.load(q)));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(p, 16), v128.load(q, 16)));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(p, 32), v128.load(q, 32)));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(p, 48), v128.load(q, 48)));
    }
    const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; k < n; k++) {
      const o = <usize>k << 3;
      t += load<f64>(a + o) * load<f64>(b + o);
    }
    return t;
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (; k + 4 <= n; k += 4) {
      const o = <usize>k << 3;
      const p = a + o;
      const q = b + o;
      s0 += load<f64>(p) * load<f64>(q);
      s1 += load<f64>(p, 8) * load<f64>(q, 8);
      s2 += load<f64>(p, 16) * load<f64>(q, 16);
      s3 += load<f64>(p, 24) * load<f64>(q, 24);
    }
    let t = (s0 + s1) + (s2 + s3);
    for (; k < n; k++) {
      const o = <usize>k << 3;
      t += load<f64>(a + o) * load<f64>(b + o);
    }
    return t;
  }
}

/** z = (x - mean) * inv for n points. */
function centreScale(x: usize, z: usize, n: i32, mean: f64, inv: f64): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const mv = f64x2.splat(mean);
    const iv = f64x2.splat(inv);
    for (; k + 4 <= n; k += 4) {
      const o = <usize>k << 3;
      v128.store(z + o, f64x2.mul(f64x2.sub(v128.load(x + o), mv), iv));
      v128.store(z + o, f64x2.mul(f64x2.sub(v128.load(x + o, 16), mv), iv), 16);
    }
  }
  for (; k < n; k++) {
    const o = <usize>k << 3;
    store<f64>(z + o, (load<f64>(x + o) - mean) * inv);
  }
}

/** Standardises every series once, then fills cov and corr (both symmetric, m x m). Needs n >= 2. */
export function correlate(m: i32, n: i32): void {
  const rowBytes = <usize>n << 3;
  for (let i = 0; i < m; i++) {
    const x = seriesAt + <usize>i * rowBytes;
    const z = zAt + <usize>i * rowBytes;
    const mean = sum(x, n) / <f64>n;
    // Centred sum of squares: centre into z first, then dot with itself (two passes, no cancellation).
    centreScale(x, z, n, mean, 1.0);
    const ss = dot(z, z, n);
    const norm = Math.sqrt(ss);
    const inv = norm > 0 ? 1.0 / norm : 0.0;
    centreScale(x, z, n, mean, inv);
    store<f64>(scaleAt + (<usize>i << 3), Math.sqrt(ss / <f64>(n - 1)));
  }
  for (let i = 0; i < m; i++) {
    const zi = zAt + <usize>i * rowBytes;
    const si = load<f64>(scaleAt + (<usize>i << 3));
    for (let j = i; j < m; j++) {
      // The diagonal is 1 by definition (a constant series' too, as documented above).
      const r = i === j ? 1.0 : dot(zi, zAt + <usize>j * rowBytes, n);
      const c = r * si * load<f64>(scaleAt + (<usize>j << 3));
      const ij = (<usize>i * m + j) << 3;
      const ji = (<usize>j * m + i) << 3;
      store<f64>(corrAt + ij, r);
      store<f64>(corrAt + ji, r);
      store<f64>(covAt + ij, c);
      store<f64>(covAt + ji, c);
    }
  }
}
