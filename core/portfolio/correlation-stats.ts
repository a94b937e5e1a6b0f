/**
 * Summary statistics of a published correlation matrix (ipc/covariance-layout.ts,
 * CovarianceView.readCorrelation), for reports and tests, off the hot path.
 */

/**
 * Mean of the off-diagonal entries of the top-left `first` x `first` block of an
 * m x m row-major correlation matrix (pairs i < j < first; the matrix is symmetric).
 * Entries that are not finite are skipped; NaN when no pair is left (first < 2).
 */
export function meanOffDiagonal(corr: Float64Array, m: number, first = m): number {
  if (!Number.isInteger(m) || m < 1 || corr.length < m * m) throw new RangeError(`meanOffDiagonal: need an ${m} x ${m} matrix, got ${corr.length} values`);
  if (!Number.isInteger(first) || first < 0 || first > m) throw new RangeError(`meanOffDiagonal: first must be 0 to ${m}, got ${first}`);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < first; i++) {
    for (let j = i + 1; j < first; j++) {
      const c = corr[i * m + j];
      if (Number.isFinite(c)) {
        sum += c;
        pairs++;
      }
    }
  }
  return pairs === 0 ? NaN : sum / pairs;
}
