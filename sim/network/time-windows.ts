/**
 * A set of half-open time windows [start, end), kept sorted and merged so
 * that membership is a binary search: the recovery bench schedules thousands
 * of outages and asks about every message.
 */
export class TimeWindows {
  /** Flat [start0, end0, start1, end1, ...], sorted, disjoint, not touching. */
  private readonly edges: number[] = [];

  add(startMs: number, durationMs: number): void {
    if (!Number.isFinite(startMs) || !Number.isFinite(durationMs) || durationMs <= 0) {
      throw new RangeError(`a window needs a finite start and a positive duration, got ${startMs} + ${durationMs}`);
    }
    let start = startMs;
    let end = startMs + durationMs;
    const e = this.edges;
    // First window that ends at or after our start (it may touch or overlap us).
    const i = this.firstEndingAtOrAfter(start);
    let j = i;
    while (j < e.length / 2 && e[2 * j] <= end) {
      start = Math.min(start, e[2 * j]);
      end = Math.max(end, e[2 * j + 1]);
      j++;
    }
    e.splice(2 * i, 2 * (j - i), start, end);
  }

  contains(tMs: number): boolean {
    const i = this.firstEndingAtOrAfter(tMs);
    const e = this.edges;
    return i < e.length / 2 && e[2 * i] <= tMs && tMs < e[2 * i + 1];
  }

  /** The windows as [start, end) pairs, in order. */
  list(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.edges.length; i += 2) out.push([this.edges[i], this.edges[i + 1]]);
    return out;
  }

  /** Index of the first window whose end is >= t (windows.length when none). */
  private firstEndingAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.edges.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.edges[2 * mid + 1] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
