/**
 * The mean off-diagonal correlation of a scenario path's log returns over a
 * rolling window, in plain TypeScript: the correlation the model puts into the
 * path, reported as the model's input beside the engine's own figure (the
 * published matrices, read by engine/run-probe.ts through
 * CovarianceView.readCorrelation); the statistic is the same: the mean of the
 * matrix's entries off its diagonal.
 */
import type { ScenarioPath } from './price-path.js';

/** Returns in the window: 250 steps (250 ms of engine time, minutes to hours of event time). */
export const CORRELATION_WINDOW = 250;

/** Mean pairwise correlation of the coins' log returns over the `window` steps ending at `end`; NaN for fewer than two coins. */
export function meanOffDiagonalCorrelation(p: ScenarioPath, end: number, window = CORRELATION_WINDOW): number {
  const n = p.coins.length;
  if (n < 2) return NaN;
  const to = Math.min(end, p.steps - 1);
  const from = Math.max(1, to - window + 1);
  const len = to - from + 1;
  // Standardise each coin's returns once, then every pair is a dot product.
  const z = new Float64Array(n * len);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let k = from; k <= to; k++) mean += Math.log(p.mids[k * n + i] / p.mids[(k - 1) * n + i]);
    mean /= len;
    let ss = 0;
    for (let k = from; k <= to; k++) {
      const d = Math.log(p.mids[k * n + i] / p.mids[(k - 1) * n + i]) - mean;
      z[i * len + k - from] = d;
      ss += d * d;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let t = 0; t < len; t++) z[i * len + t] *= inv;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      for (let t = 0; t < len; t++) dot += z[i * len + t] * z[j * len + t];
      sum += dot;
    }
  }
  return sum / ((n * (n - 1)) / 2);
}
