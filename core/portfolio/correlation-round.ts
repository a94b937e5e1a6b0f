/**
 * One recomputation of the portfolio's covariance and correlation, as the
 * correlation pool's task runs it every recomputeMs: find the newest slot any
 * symbol has sampled, copy every symbol's returns of the last n slots up to it
 * (n = N once the windows are full) straight into the kernel's input, compute,
 * publish a new version. It reads the windows while workers write them
 * (ipc/returns-window-layout.ts): a copy that overlapped a sample makes the
 * round start again, a few times at most, and then give up until the next
 * round; workers never wait for it.
 */
import { CovariancePublisher } from '../../ipc/covariance-layout.js';
import { ReturnsReader, type SymbolSlots } from '../../ipc/returns-window-layout.js';
import type { CorrelationKernel } from './correlation-kernels.js';

export type RoundResult =
  | { outcome: 'published'; version: number; points: number; computeMs: number }
  /** Fewer than minPoints returns per symbol so far (none at all: points 0). */
  | { outcome: 'warming'; points: number }
  /** Every attempt overlapped a writer's sample; the next round tries again. */
  | { outcome: 'torn' };

const ATTEMPTS = 4;

export class CorrelationRound {
  private readonly reader: ReturnsReader;
  private readonly publisher: CovariancePublisher;
  private readonly slots: SymbolSlots = { lastSlot: -1, firstSlot: -1 };

  constructor(
    returns: SharedArrayBuffer,
    covariance: SharedArrayBuffer,
    private readonly kernel: CorrelationKernel,
    /** Fewest returns per symbol worth a matrix (a correlation of 3 points is noise). */
    private readonly minPoints: number,
  ) {
    this.reader = new ReturnsReader(returns);
    this.publisher = new CovariancePublisher(covariance);
    if (this.publisher.symbols !== this.reader.geometry.symbols) {
      throw new RangeError(`covariance matrix has ${this.publisher.symbols} symbols, returns window ${this.reader.geometry.symbols}`);
    }
  }

  /** Recomputes and publishes, stamped `nowNs` (shared monotonic clock). */
  run(nowNs: number): RoundResult {
    const { symbols: m, window } = this.reader.geometry;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let endSlot = -1;
      let startSlot = Infinity;
      let consistent = true;
      for (let s = 0; s < m && consistent; s++) {
        consistent = this.reader.slots(s, this.slots) || this.reader.slots(s, this.slots);
        if (this.slots.lastSlot > endSlot) endSlot = this.slots.lastSlot;
        if (this.slots.firstSlot >= 0 && this.slots.firstSlot < startSlot) startSlot = this.slots.firstSlot;
      }
      if (!consistent) continue;
      // Slots after the earliest first mid hold returns: endSlot - startSlot of them so far.
      const points = endSlot < 0 ? 0 : Math.min(window, endSlot - startSlot);
      if (points < this.minPoints) return { outcome: 'warming', points };
      const input = this.kernel.resize(m, points);
      for (let s = 0; s < m && consistent; s++) consistent = this.reader.copyAligned(s, endSlot, points, input, s * points);
      if (!consistent) continue;
      const t0 = performance.now();
      this.kernel.compute();
      const computeMs = performance.now() - t0;
      const version = this.publisher.publish(this.kernel.cov, this.kernel.corr, points, nowNs);
      return { outcome: 'published', version, points, computeMs };
    }
    return { outcome: 'torn' };
  }
}
