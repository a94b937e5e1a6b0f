/**
 * The limits table: per-symbol risk limits, and the account's portfolio VaR
 * settings, that main rewrites while workers run (limits config reload), in
 * one SharedArrayBuffer guarded by one seqlock.
 *
 * Byte offsets derived from CACHE_LINE_BYTES (header line: ipc/layout-header.ts):
 *   0          4          8          12         16                             128
 *   +----------+----------+----------+----------+----------- ... --------------+
 *   | magic    | version  | symbols  | seq      |                              |   header line
 *   +----------+----------+----------+----------+----------- ... --------------+
 *   128 + s*64: row of symbol s, LIMIT_STRIDE float64:
 *   0           8             16              24               32          40              48        56
 *   +-----------+-------------+---------------+----------------+-----------+---------------+---------+------+
 *   |maxPosition|maxOpenOrders|maxOpenNotional|maxOrderNotional|collarFrac |maxRefAgeNs    |enabled  |(pad) |
 *   +-----------+-------------+---------------+----------------+-----------+---------------+---------+------+
 *   128 + symbols*64: the account row, LIMIT_STRIDE float64:
 *   0           8             16              24                 32                   40
 *   +-----------+-------------+---------------+------------------+--------------------+------ ... ------+
 *   | varLimit  |varConfidence| varHorizonMs  |varFallbackDailyVol|varFallbackCorrelation| (pad)         |
 *   +-----------+-------------+---------------+------------------+--------------------+------ ... ------+
 *
 *   magic, version  LIMITS_TABLE; main, at creation. Every attach checks them and the size.
 *   symbols   rows; main, at creation.
 *   seq       seqlock word. Writer: main only: odd while it rewrites rows, then even (+2 per rewrite).
 *   rows      main only, between the two seq stores. Invariant (of every even seq):
 *             maxPosition > 0 (base units), maxOpenOrders >= 0 integer, maxOpenNotional > 0,
 *             maxOrderNotional > 0 (quote), 0 < collarFrac <= 1, maxRefAgeNs > 0, enabled 0 or 1.
 *   account   main only, in the same critical section as the rows. varLimit >= 0 (quote;
 *             0 = no VaR check), 0.5 < varConfidence < 1, varHorizonMs > 0, varFallbackDailyVol > 0,
 *             0 <= varFallbackCorrelation <= 1 (core/risk/portfolio-var.ts reads them).
 *
 * Readers (workers) keep a private copy: LimitsReader.refresh() does one
 * Atomics.load per batch, and only when seq moved copies the rows (the
 * account row with them) and re-checks seq (seqlock). The hot path then
 * reads plain numbers from the private copy, never the shared rows.
 */
import { HEADER_BYTES, HEADER_FIELDS_BYTE, checkLayoutBytes, readLayoutHeader, writeLayoutHeader, type LayoutId } from '../../ipc/layout-header.js';

export const LIMITS_TABLE: LayoutId = { name: 'limits table', magic: 0x4c494d54 /* 'LIMT' */, version: 2 };

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

/** float64 offsets in the account row (after the symbols' rows). */
export const AccountField = {
  varLimit: 0,
  varConfidence: 1,
  varHorizonMs: 2,
  varFallbackDailyVol: 3,
  varFallbackCorrelation: 4,
} as const;

/** The account row's portfolio VaR settings (core/config/limits-config.ts fills it from `portfolioVar`). */
export interface VarLimitRow {
  /** Largest parametric VaR (quote); 0 = no VaR check. */
  limit: number;
  confidence: number;
  horizonMs: number;
  /** Daily volatility of every symbol in the stand-in matrix used before any covariance is published. */
  fallbackDailyVol: number;
  /** Correlation between any two symbols in that stand-in matrix. */
  fallbackCorrelation: number;
}

/** No VaR check: what a table written without VaR settings holds. */
export const VAR_OFF: VarLimitRow = { limit: 0, confidence: 0.99, horizonMs: 86_400_000, fallbackDailyVol: 0.05, fallbackCorrelation: 0.8 };

/** int32 indexes in the header line. */
const SYMBOLS = HEADER_FIELDS_BYTE >> 2;
const SEQ = SYMBOLS + 1;
const ROWS_BYTE = HEADER_BYTES;

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

function limitsTableBytes(symbols: number): number {
  return ROWS_BYTE + (symbols + 1) * LIMIT_STRIDE * 8;
}

export function createLimitsTable(symbols: number): SharedArrayBuffer {
  if (!Number.isInteger(symbols) || symbols < 1) throw new RangeError(`limits table needs at least one symbol, got ${symbols}`);
  const sab = new SharedArrayBuffer(limitsTableBytes(symbols));
  writeLayoutHeader(sab, LIMITS_TABLE)[SYMBOLS] = symbols;
  return sab;
}

/** Every attach: checks magic, version and size; returns the header line. */
function attachLimitsTable(sab: SharedArrayBuffer): Int32Array {
  const header = readLayoutHeader(sab, LIMITS_TABLE);
  const symbols = header[SYMBOLS];
  checkLayoutBytes(sab, LIMITS_TABLE, limitsTableBytes(symbols), `${symbols} symbols`);
  return header;
}

/** Main only (the single writer): rewrites every row, and the account row, as one version. */
export function writeLimitsTable(sab: SharedArrayBuffer, rows: readonly SymbolLimitRow[], account: VarLimitRow = VAR_OFF): void {
  const i32 = attachLimitsTable(sab);
  const f64 = new Float64Array(sab, ROWS_BYTE);
  if (rows.length !== i32[SYMBOLS]) throw new RangeError(`limits table has ${i32[SYMBOLS]} rows, got ${rows.length}`);
  const v = Atomics.load(i32, SEQ);
  // Odd: readers that copy now will see seq change and discard their copy.
  Atomics.store(i32, SEQ, v + 1);
  rows.forEach((r, s) => {
    const o = s * LIMIT_STRIDE;
    f64[o + LimitField.maxPosition] = r.maxPosition;
    f64[o + LimitField.maxOpenOrders] = r.maxOpenOrders;
    f64[o + LimitField.maxOpenNotional] = r.maxOpenNotional;
    f64[o + LimitField.maxOrderNotional] = r.maxOrderNotional;
    f64[o + LimitField.collarFrac] = r.collarFrac;
    f64[o + LimitField.maxRefAgeNs] = r.maxRefAgeNs;
    f64[o + LimitField.enabled] = r.enabled ? 1 : 0;
  });
  const a = rows.length * LIMIT_STRIDE;
  f64[a + AccountField.varLimit] = account.limit;
  f64[a + AccountField.varConfidence] = account.confidence;
  f64[a + AccountField.varHorizonMs] = account.horizonMs;
  f64[a + AccountField.varFallbackDailyVol] = account.fallbackDailyVol;
  f64[a + AccountField.varFallbackCorrelation] = account.fallbackCorrelation;
  // Seq-cst store after the plain row stores: a reader that loads this seq sees all of them.
  Atomics.store(i32, SEQ, v + 2);
}

/** The rows and the account row as written (a consistent copy through LimitsReader; not for the hot path). */
export function readLimitsTable(sab: SharedArrayBuffer): { rows: SymbolLimitRow[]; account: VarLimitRow } {
  const reader = new LimitsReader(sab);
  const r = reader.rows;
  const rows = Array.from({ length: r.length / LIMIT_STRIDE }, (_, s) => {
    const o = s * LIMIT_STRIDE;
    return {
      maxPosition: r[o + LimitField.maxPosition],
      maxOpenOrders: r[o + LimitField.maxOpenOrders],
      maxOpenNotional: r[o + LimitField.maxOpenNotional],
      maxOrderNotional: r[o + LimitField.maxOrderNotional],
      collarFrac: r[o + LimitField.collarFrac],
      maxRefAgeNs: r[o + LimitField.maxRefAgeNs],
      enabled: r[o + LimitField.enabled] !== 0,
    };
  });
  const a = reader.account;
  const account = {
    limit: a[AccountField.varLimit],
    confidence: a[AccountField.varConfidence],
    horizonMs: a[AccountField.varHorizonMs],
    fallbackDailyVol: a[AccountField.varFallbackDailyVol],
    fallbackCorrelation: a[AccountField.varFallbackCorrelation],
  };
  return { rows, account };
}

/** A worker's consistent private copy of the limits table. */
export class LimitsReader {
  /** The rows, LIMIT_STRIDE per symbol (LimitField offsets); replaced in place by refresh(). */
  readonly rows: Float64Array;
  /** The account row (AccountField offsets), replaced with the rows. */
  readonly account: Float64Array;
  /** Seqlock sequence of the rows in `rows`; 0 until the first refresh() finds a written table. */
  seq = 0;
  private readonly i32: Int32Array;
  private readonly shared: Float64Array;
  private readonly scratch: Float64Array;
  private readonly all: Float64Array;

  constructor(sab: SharedArrayBuffer) {
    this.i32 = attachLimitsTable(sab);
    const symbols = this.i32[SYMBOLS];
    const length = (symbols + 1) * LIMIT_STRIDE;
    this.shared = new Float64Array(sab, ROWS_BYTE, length);
    this.all = new Float64Array(length);
    this.rows = this.all.subarray(0, symbols * LIMIT_STRIDE);
    this.account = this.all.subarray(symbols * LIMIT_STRIDE);
    this.scratch = new Float64Array(length);
    this.refresh();
  }

  /**
   * Once per batch: one Atomics.load when nothing changed. When main wrote a
   * new version, copies the rows and keeps them only if seq did not
   * move meanwhile (else keeps the old rows and tries again next batch).
   * Returns true when `rows` changed.
   */
  refresh(): boolean {
    const v1 = Atomics.load(this.i32, SEQ);
    if (v1 === this.seq || (v1 & 1) !== 0) return false;
    this.scratch.set(this.shared);
    if (Atomics.load(this.i32, SEQ) !== v1) return false;
    this.all.set(this.scratch);
    this.seq = v1;
    return true;
  }
}
