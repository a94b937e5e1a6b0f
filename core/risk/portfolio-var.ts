/**
 * The pre-trade portfolio VaR check of one risk worker: O(1) per order
 * checked, O(M) per change of the worker's own exposure, O(M^2) only when the
 * covariance matrix changes.
 *
 * Exposure vector w (quote notional per symbol, signed: long > 0), account-wide:
 *   own symbols    w_i = (position + open buy qty - open sell qty) * mark_i from this worker's
 *                  PositionBook, mark_i its reference (last trade, else mid). Open orders count as
 *                  if they filled: a burst of orders in one batch cannot each spend the same
 *                  headroom. Re-marked whenever the symbol's state changes (commit(): accepted
 *                  order, fill, cancel) and at every refresh, not on every tick.
 *   other symbols  the same quantity from the rows their owners publish on the position board
 *                  (position + openNetQty, at refMid, else avgPrice), re-read every OTHERS_REFRESH_NS.
 * How stale the others may be: one refresh interval (1 ms) plus their owner's batch (rows are
 * published at the end of each batch), plus one more interval for a row that was mid-write
 * COPY_TRIES times (kept from the previous read). Why that is safe: every worker runs this check
 * on its own orders against the others' published rows, so what one worker cannot see is at most
 * the orders other workers accepted within that window, each of which was itself checked against
 * a view at most as stale; each is also bounded by the hard per-order, per-symbol and gross
 * exposure limits (the gross one a CAS across workers). VaR is thus a soft account limit that may
 * be overshot by those few milliseconds of other workers' flow; a hard one would need every
 * order to serialise on one shared variance, which is not additive across workers (the cross
 * terms) and would put a CAS loop over O(M) state on every order path.
 *
 * Variance V = w' Sigma w, Sigma the covariance of log returns per sample interval (sampleMs) as
 * published (CovarianceSource). Kept with it: Sigma w. An order moving w_i by dw changes V by
 * delta = 2 dw (Sigma w)_i + dw^2 Sigma_ii (O(1)); applying a change adds delta to V and
 * Sigma[:, i] dw to Sigma w (O(M); Sigma is symmetric, so row i is read, contiguous). A full
 * recompute (O(M^2)) happens when the matrix version changes, when the VaR settings change, when
 * a refresh finds more than M / 8 symbols moved, and after RESYNC_UPDATES incremental updates
 * (bounds floating-point drift; the tests hold it under 1e-9 relative).
 *
 * VaR = z(confidence) * sqrt(V * horizonMs / sampleMs): the square-root-of-time rule scales the
 * per-sample variance to the horizon (returns taken as independent from sample to sample). The
 * check compares variances, so no sqrt per order: reject when delta > 0 and
 * V + delta > (limit / (z sqrt(horizonMs / sampleMs)))^2. An order that lowers V always passes.
 *
 * Before any matrix is published (the returns windows need their N samples first) a stand-in
 * is used: every symbol at fallbackDailyVol, every pair at fallbackCorrelation (default 0.8:
 * crashes drive crypto correlations towards 1, and a diagonal stand-in would let a book of ten
 * correlated longs pass as diversified). A published entry that is not finite (a symbol with
 * too few returns) takes the stand-in's value. A torn read keeps the matrix in use and retries
 * next batch.
 *
 * Hot path (exceeds, commit): typed arrays only; doubles travel in `regs`, never as arguments
 * or return values of calls V8 might not inline (those would box).
 */
import { NewOrder, Side } from '../../ipc/frame-layout.js';
import { AccountField } from './limits-table.js';
import { normalQuantile } from './normal-quantile.js';
import { PositionBoardRows, PositionField, ROW_FIELDS } from './position-board.js';
import type { PositionBook } from './position-book.js';
import type { ReferenceBook } from './reference-book.js';

/** The reader side of the published covariance (ipc/covariance-layout.ts's CovarianceView fits it). */
export interface CovarianceSource {
  readonly symbols: number;
  version(): number;
  /** Copies one consistent covariance (M * M, row-major) into out; its version, or -1 (none yet, or torn). */
  readCovariance(out: Float64Array): number;
}

/** What a worker's VaR check reads besides its own state. */
export interface PortfolioVarInputs {
  covariance: CovarianceSource;
  /** The position board: the other workers' rows. */
  board: SharedArrayBuffer;
  /** Sample interval (ms) of the returns the covariance was computed from. */
  sampleMs: number;
  /** 1 for each symbol this worker owns (its w comes from the worker's own state). */
  own: Uint8Array;
}

/** Re-read interval of the other workers' rows on the position board. */
export const OTHERS_REFRESH_NS = 1e6;
/** Incremental updates of Sigma w after which the next batch recomputes it in full. */
export const RESYNC_UPDATES = 4096;
/** matrixVersion while the stand-in matrix is in use. */
export const STAND_IN = -1;
const MS_PER_DAY = 86_400_000;

/** Float64 registers (indices into `regs`). */
const R = { variance: 0, maxVariance: 1, scale: 2, after: 3, lastRefresh: 4, value: 5, dw: 6, standInVar: 7, standInCov: 8 } as const;

export class PortfolioVar {
  readonly symbols: number;
  /** The covariance in use, row-major. */
  readonly sigma: Float64Array;
  /** Exposure per symbol as last marked (quote, signed). */
  readonly w: Float64Array;
  /** Sigma w for the matrix in use. */
  readonly sigmaW: Float64Array;
  /** Version of the published matrix in `sigma`, or STAND_IN. */
  matrixVersion = STAND_IN;
  /** Full O(M^2) recomputes of Sigma w so far. */
  recomputes = 0;
  private readonly source: CovarianceSource;
  private readonly own: Uint8Array;
  private readonly sampleMs: number;
  private readonly rows: PositionBoardRows;
  private readonly incoming: Float64Array;
  private readonly next: Float64Array;
  private readonly row = new Float64Array(ROW_FIELDS);
  private readonly regs = new Float64Array(9);
  private updates = 0;
  private on = false;
  private full = true;

  constructor(
    inputs: PortfolioVarInputs,
    private readonly positions: PositionBook,
    private readonly book: ReferenceBook,
    /** The limits table's account row (LimitsReader.account). */
    account: Float64Array,
  ) {
    const m = positions.symbols;
    if (inputs.covariance.symbols !== m) throw new RangeError(`covariance has ${inputs.covariance.symbols} symbols, the worker ${m}`);
    if (inputs.own.length !== m) throw new RangeError(`own-symbol mask has ${inputs.own.length} entries, the worker ${m} symbols`);
    if (!(inputs.sampleMs > 0)) throw new RangeError(`sampleMs must be > 0, got ${inputs.sampleMs}`);
    this.symbols = m;
    this.source = inputs.covariance;
    this.own = inputs.own;
    this.sampleMs = inputs.sampleMs;
    this.rows = new PositionBoardRows(inputs.board);
    if (this.rows.symbols !== m) throw new RangeError(`position board has ${this.rows.symbols} symbols, the worker ${m}`);
    this.sigma = new Float64Array(m * m);
    this.incoming = new Float64Array(m * m);
    this.w = new Float64Array(m);
    this.sigmaW = new Float64Array(m);
    this.next = new Float64Array(m);
    this.configure(account);
  }

  /** True while a VaR limit is configured. */
  get enabled(): boolean {
    return this.on;
  }

  /** Portfolio variance (quote^2 per sample interval) of w. */
  get variance(): number {
    return this.regs[R.variance];
  }

  /** Parametric VaR (quote) of w at the configured confidence and horizon. */
  get valueAtRisk(): number {
    const v = this.regs[R.variance];
    return this.regs[R.scale] * Math.sqrt(v > 0 ? v : 0);
  }

  /** The variance the last exceeds() call found the order would leave. */
  get varianceAfter(): number {
    return this.regs[R.after];
  }

  /** The account row changed (limits reload): new limit, confidence, horizon or stand-in. */
  configure(account: Float64Array): void {
    const limit = account[AccountField.varLimit];
    this.on = limit > 0;
    if (!this.on) return;
    const scale = normalQuantile(account[AccountField.varConfidence]) * Math.sqrt(account[AccountField.varHorizonMs] / this.sampleMs);
    const r = this.regs;
    r[R.scale] = scale;
    r[R.maxVariance] = (limit / scale) * (limit / scale);
    const vol = account[AccountField.varFallbackDailyVol];
    r[R.standInVar] = (vol * vol * this.sampleMs) / MS_PER_DAY;
    r[R.standInCov] = r[R.standInVar] * account[AccountField.varFallbackCorrelation];
    if (this.matrixVersion === STAND_IN) this.fillStandIn();
    // Off until now, or a new stand-in: w was not kept, or Sigma w is for another matrix.
    this.full = true;
  }

  /** Once per batch, `regs[at]` the batch's clock reading (ns): picks up a new matrix, re-reads the others. */
  beginBatchAt(clockRegs: Float64Array, at: number): void {
    if (!this.on) return;
    const v = this.source.version();
    if (v !== this.matrixVersion && v >= 0) {
      const got = this.source.readCovariance(this.incoming);
      if (got >= 0 && got !== this.matrixVersion) this.install(got);
    }
    const now = clockRegs[at];
    if (this.full || now - this.regs[R.lastRefresh] >= OTHERS_REFRESH_NS) {
      this.regs[R.lastRefresh] = now;
      this.refresh();
    }
  }

  /**
   * Would the NewOrder at float64 index `d` (symbol s, side, valued at the symbol's mark) push
   * the VaR over the limit while increasing it? O(1). The caller has checked s has a reference.
   */
  exceeds(s: number, side: number, f64: Float64Array, d: number): boolean {
    if (!this.on) return false;
    this.markInto(s);
    const q = f64[d + NewOrder.quantity];
    const dw = (side === Side.Buy ? q : -q) * this.regs[R.value];
    const delta = dw * (2 * this.sigmaW[s] + dw * this.sigma[s * this.symbols + s]);
    const after = this.regs[R.variance] + delta;
    this.regs[R.after] = after;
    return delta > 0 && after > this.regs[R.maxVariance];
  }

  /** Own symbol s's state changed (accepted order, fill, cancel): re-marks w_s, O(M) when it moved. */
  commit(s: number): void {
    if (!this.on) return;
    this.ownValueInto(s);
    const r = this.regs;
    const dw = r[R.value] - this.w[s];
    if (dw !== 0 && dw === dw) {
      r[R.dw] = dw;
      this.apply(s);
    }
  }

  /** w_s += regs[dw]: V by the delta formula, Sigma w by row s of Sigma. */
  private apply(s: number): void {
    const m = this.symbols;
    const sigma = this.sigma;
    const sw = this.sigmaW;
    const r = this.regs;
    const dw = r[R.dw];
    const row = s * m;
    r[R.variance] += dw * (2 * sw[s] + dw * sigma[row + s]);
    for (let j = 0; j < m; j++) sw[j] += sigma[row + j] * dw;
    this.w[s] += dw;
    this.updates++;
  }

  /** Sigma w and V from scratch: O(M^2). */
  private recompute(): void {
    const m = this.symbols;
    const sigma = this.sigma;
    const w = this.w;
    const sw = this.sigmaW;
    let v = 0;
    for (let i = 0; i < m; i++) {
      let acc = 0;
      const row = i * m;
      for (let j = 0; j < m; j++) acc += sigma[row + j] * w[j];
      sw[i] = acc;
      v += w[i] * acc;
    }
    this.regs[R.variance] = v;
    this.recomputes++;
    this.updates = 0;
  }

  /** Re-marks every symbol (own from local state, others from the board); incremental when few moved. */
  private refresh(): void {
    const m = this.symbols;
    const w = this.w;
    const next = this.next;
    let moved = 0;
    for (let s = 0; s < m; s++) {
      if (this.own[s] === 1) this.ownValueInto(s);
      else this.otherValueInto(s);
      const x = this.regs[R.value];
      next[s] = x === x ? x : w[s];
      if (next[s] !== w[s]) moved++;
    }
    if (this.full || moved * 8 > m || this.updates >= RESYNC_UPDATES) {
      w.set(next);
      this.full = false;
      this.recompute();
      return;
    }
    for (let s = 0; moved !== 0 && s < m; s++) {
      if (next[s] === w[s]) continue;
      moved--;
      this.regs[R.dw] = next[s] - w[s];
      this.apply(s);
      w[s] = next[s];
    }
  }

  /** A newly published matrix into `sigma`: non-finite entries take the stand-in's value. */
  private install(version: number): void {
    const m = this.symbols;
    const src = this.incoming;
    const sigma = this.sigma;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const x = src[i * m + j];
        sigma[i * m + j] = Number.isFinite(x) ? x : this.regs[i === j ? R.standInVar : R.standInCov];
      }
    }
    this.matrixVersion = version;
    this.full = true;
  }

  private fillStandIn(): void {
    const m = this.symbols;
    this.sigma.fill(this.regs[R.standInCov]);
    for (let i = 0; i < m; i++) this.sigma[i * m + i] = this.regs[R.standInVar];
  }

  /** regs[value] = the mark of own symbol s: last trade, else mid (NaN before any tick). */
  private markInto(s: number): void {
    const b = this.book;
    const last = b.last[s];
    this.regs[R.value] = last === last ? last : (b.bid[s] + b.ask[s]) * 0.5;
  }

  /** regs[value] = own symbol s's committed notional (0 when flat; NaN when it has a quantity but no mark). */
  private ownValueInto(s: number): void {
    const p = this.positions;
    const q = p.position[s] + p.openBuyQty[s] - p.openSellQty[s];
    this.markInto(s);
    const mark = this.regs[R.value];
    this.regs[R.value] = q === 0 ? 0 : q * (mark === mark ? mark : p.avgPrice[s]);
  }

  /** regs[value] = other symbol s's committed notional from the board (NaN when its row was torn). */
  private otherValueInto(s: number): void {
    const row = this.row;
    if (!this.rows.copyRow(s, row)) {
      this.regs[R.value] = NaN;
      return;
    }
    const q = row[PositionField.position] + row[PositionField.openNetQty];
    const mid = row[PositionField.refMid];
    this.regs[R.value] = q === 0 ? 0 : q * (mid === mid ? mid : row[PositionField.avgPrice]);
  }
}
