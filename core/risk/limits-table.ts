/**
 * The limits table: per-symbol risk limits that main rewrites while workers
 * run (limits config reload), in one SharedArrayBuffer guarded by a seqlock.
 *
 *   0          4          8                                128
 *   +----------+----------+----------- ... ----------------+
 *   | version  | symbols  |                                 |   header line
 *   +----------+----------+----------- ... ----------------+
 *   128 + s*64: row of symbol s, LIMIT_STRIDE float64:
 *   0           8             16              24               32          40              48        56
 *   +-----------+-------------+---------------+----------------+-----------+---------------+---------+------+
 *   |maxPosition|maxOpenOrders|maxOpenNotional|maxOrderNotional|collarFrac |maxRefAgeNs    |enabled  |(pad) |
 *   +-----------+-------------+---------------+----------------+-----------+---------------+---------+------+
 *
 *   version   seqlock word. Writer: main only: odd while it rewrites rows, then even (+2 per rewrite).
 *   symbols   rows; main, at creation.
 *   rows      main only, between the two version stores. Invariant (of every even version):
 *             maxPosition > 0 (base units), maxOpenOrders >= 0 integer, maxOpenNotional > 0,
 *             maxOrderNotional > 0 (quote), 0 < collarFrac <= 1, maxRefAgeNs > 0, enabled 0 or 1.
 *
 * Readers (workers) keep a private copy: LimitsReader.refresh() does one
 * Atomics.load per batch, and only when the version moved copies the rows and
 * re-checks the version (seqlock). The hot path then reads plain numbers from
 * the private copy, never the shared rows.
 */

export const LIMIT_STRIDE = 8;
export const LimitField = {
  maxPosition: 0,
  maxOpenOrders: 1,
  maxOpenNotional: 2,
  maxOrderNotional: 3,
  collarFrac: 4,
  maxRefAgeNs: 5,
  enabled: 6,
} as const;

const HEADER_BYTES = 128;
const VERSION = 0;
const SYMBOLS = 1;
const ROWS_F64 = HEADER_BYTES >> 3;

/** One symbol's limits, as written into a row. */
export interface SymbolLimitRow {
  maxPosition: number;
  maxOpenOrders: number;
  maxOpenNotional: number;
  maxOrderNotional: number;
  collarFrac: number;
  maxRefAgeNs: number;
  enabled: boolean;
}

export function createLimitsTable(symbols: number): SharedArrayBuffer {
  if (!Number.isInteger(symbols) || symbols < 1) throw new RangeError(`limits table needs at least one symbol, got ${symbols}`);
  const sab = new SharedArrayBuffer(HEADER_BYTES + symbols * LIMIT_STRIDE * 8);
  new Int32Array(sab)[SYMBOLS] = symbols;
  return sab;
}

export function limitsTableSymbols(sab: SharedArrayBuffer): number {
  return new Int32Array(sab, 0, 2)[SYMBOLS];
}

/** Main only (the single writer): rewrites every row as one version. */
export function writeLimitsTable(sab: SharedArrayBuffer, rows: readonly SymbolLimitRow[]): void {
  const i32 = new Int32Array(sab, 0, 2);
  const f64 = new Float64Array(sab);
  if (rows.length !== i32[SYMBOLS]) throw new RangeError(`limits table has ${i32[SYMBOLS]} rows, got ${rows.length}`);
  const v = Atomics.load(i32, VERSION);
  // Odd: readers that copy now will see the version change and discard their copy.
  Atomics.store(i32, VERSION, v + 1);
  rows.forEach((r, s) => {
    const o = ROWS_F64 + s * LIMIT_STRIDE;
    f64[o + LimitField.maxPosition] = r.maxPosition;
    f64[o + LimitField.maxOpenOrders] = r.maxOpenOrders;
    f64[o + LimitField.maxOpenNotional] = r.maxOpenNotional;
    f64[o + LimitField.maxOrderNotional] = r.maxOrderNotional;
    f64[o + LimitField.collarFrac] = r.collarFrac;
    f64[o + LimitField.maxRefAgeNs] = r.maxRefAgeNs;
    f64[o + LimitField.enabled] = r.enabled ? 1 : 0;
  });
  // Seq-cst store after the plain row stores: a reader that loads this version sees all of them.
  Atomics.store(i32, VERSION, v + 2);
}

/** A worker's consistent private copy of the limits table. */
export class LimitsReader {
  /** The rows, LIMIT_STRIDE per symbol (LimitField offsets); replaced in place by refresh(). */
  readonly rows: Float64Array;
  /** Version of the rows in `rows`; 0 until the first refresh() finds a written table. */
  version = 0;
  private readonly i32: Int32Array;
  private readonly shared: Float64Array;
  private readonly scratch: Float64Array;

  constructor(sab: SharedArrayBuffer) {
    const symbols = limitsTableSymbols(sab);
    this.i32 = new Int32Array(sab, 0, 2);
    this.shared = new Float64Array(sab, HEADER_BYTES, symbols * LIMIT_STRIDE);
    this.rows = new Float64Array(symbols * LIMIT_STRIDE);
    this.scratch = new Float64Array(symbols * LIMIT_STRIDE);
    this.refresh();
  }

  /**
   * Once per batch: one Atomics.load when nothing changed. When main wrote a
   * new version, copies the rows and keeps them only if the version did not
   * move meanwhile (else keeps the old rows and tries again next batch).
   * Returns true when `rows` changed.
   */
  refresh(): boolean {
    const v1 = Atomics.load(this.i32, VERSION);
    if (v1 === this.version || (v1 & 1) !== 0) return false;
    this.scratch.set(this.shared);
    if (Atomics.load(this.i32, VERSION) !== v1) return false;
    this.rows.set(this.scratch);
    this.version = v1;
    return true;
  }
}
