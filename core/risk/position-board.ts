/**
 * The position board: each worker's per-symbol positions, published for
 * main's `status` / `positions` commands and the summary. The positions
 * themselves live in the owning worker's PositionBook; this is the copy main
 * may read, one row per engine symbol, each behind its own seqlock.
 *
 * Byte offsets derived from CACHE_LINE_BYTES (header line: ipc/layout-header.ts):
 *   0          4          8          12                                      128
 *   +----------+----------+----------+----------------- ... -----------------+
 *   | magic    | version  | symbols  |                                        |   header line
 *   +----------+----------+----------+----------------- ... -----------------+
 *   128 + s*64: row of symbol s, one cache line, ROW_F64 float64:
 *   0      4      8          16         24           32       40          48            56           64
 *   +------+------+----------+----------+------------+--------+-----------+-------------+------------+
 *   | seq  |(pad) | position | avgPrice | realizedPnl| refMid | openOrders| openNotional| openNetQty |
 *   +------+------+----------+----------+------------+--------+-----------+-------------+------------+
 *
 *   magic, version  POSITION_BOARD; main, at creation. Every attach checks them and the size.
 *   symbols   rows; main, at creation.
 *   seq       the row's seqlock (int32). Writer: the worker that owns the symbol, only:
 *             odd while it rewrites the row, then even (+2 per rewrite); 0 = never written.
 *   fields    the owning worker, plain float64 stores between the two seq stores.
 *             position (base units, signed), avgPrice (0 when flat), realizedPnl (quote,
 *             since start), refMid (NaN before the first tick), openOrders, openNotional (quote),
 *             openNetQty (open buy minus open sell quantity: other workers' portfolio VaR
 *             counts position + openNetQty, as the owner's own check does).
 *
 * One writer per row (symbol s is owned by exactly one worker), so the seq
 * needs no CAS. Each row is its own cache line: workers writing neighbouring
 * symbols never share a line. The writer publishes at most once per batch for
 * the symbols the batch touched, so a row costs two Atomics.store per batch,
 * never one per order. Memory ordering: the seq-cst store of the even seq
 * follows the plain field stores, so a reader that loads that seq before and
 * after its plain reads has a row that one version wrote (as limits-table.ts).
 */
import { HEADER_BYTES, HEADER_FIELDS_BYTE, checkLayoutBytes, readLayoutHeader, writeLayoutHeader, type LayoutId } from '../../ipc/layout-header.js';
import { CACHE_LINE_BYTES } from '../../ipc/cache-line.js';

export const POSITION_BOARD: LayoutId = { name: 'position board', magic: 0x504f5342 /* 'POSB' */, version: 2 };

const ROW_F64 = CACHE_LINE_BYTES >> 3;
/** float64 offsets in a row (0 holds the int32 seq). */
export const PositionField = { position: 1, avgPrice: 2, realizedPnl: 3, refMid: 4, openOrders: 5, openNotional: 6, openNetQty: 7 } as const;
/** Length of a scratch row for write(): the fields' offsets plus the unused 0. */
export const ROW_FIELDS = 8;
const SYMBOLS = HEADER_FIELDS_BYTE >> 2;

function boardBytes(symbols: number): number {
  return HEADER_BYTES + symbols * CACHE_LINE_BYTES;
}

export function createPositionBoard(symbols: number): SharedArrayBuffer {
  if (!Number.isInteger(symbols) || symbols < 1) throw new RangeError(`position board needs at least one symbol, got ${symbols}`);
  const sab = new SharedArrayBuffer(boardBytes(symbols));
  writeLayoutHeader(sab, POSITION_BOARD)[SYMBOLS] = symbols;
  const f = new Float64Array(sab, HEADER_BYTES);
  for (let s = 0; s < symbols; s++) f[s * ROW_F64 + PositionField.refMid] = NaN;
  return sab;
}

/** Every attach: checks magic, version and size; returns the symbol count. */
function attachPositionBoard(sab: SharedArrayBuffer): number {
  const symbols = readLayoutHeader(sab, POSITION_BOARD)[SYMBOLS];
  checkLayoutBytes(sab, POSITION_BOARD, boardBytes(symbols), `${symbols} symbols`);
  return symbols;
}

/** The rows, as every side attaches them; tryCopy() is the seqlock's one read. */
abstract class PositionBoardView {
  readonly symbols: number;
  protected readonly i32: Int32Array;
  protected readonly f64: Float64Array;

  constructor(sab: SharedArrayBuffer) {
    this.symbols = attachPositionBoard(sab);
    this.i32 = new Int32Array(sab, HEADER_BYTES);
    this.f64 = new Float64Array(sab, HEADER_BYTES);
  }

  /** Copies symbol s's row into `out[PositionField.x]`; true when one version wrote all of it (even seq, unchanged). */
  protected tryCopy(s: number, out: Float64Array): boolean {
    const seqAt = s * (ROW_F64 * 2);
    const o = s * ROW_F64;
    const f = this.f64;
    const v1 = Atomics.load(this.i32, seqAt);
    for (let k = 1; k < ROW_FIELDS; k++) out[k] = f[o + k];
    return (v1 & 1) === 0 && Atomics.load(this.i32, seqAt) === v1;
  }
}

/** A worker's side: publishes rows of the symbols it owns. */
export class PositionBoardWriter extends PositionBoardView {
  /**
   * Writes symbol s's row as one version, from `row[PositionField.x]` (a scratch row of
   * ROW_FIELDS float64, index 0 unused): doubles passed as arguments to a call V8 does not
   * inline would be boxed, so they travel in a typed array.
   */
  write(s: number, row: Float64Array): void {
    const seqAt = s * (ROW_F64 * 2);
    const o = s * ROW_F64;
    // Plain read: this thread is the row's only writer. Rounded up to even: a worker that died
    // mid-write left it odd, and its restarted self must still end the row on an even seq.
    const v = (this.i32[seqAt] + 1) & ~1;
    Atomics.store(this.i32, seqAt, v + 1);
    const f = this.f64;
    for (let k = 1; k < ROW_FIELDS; k++) f[o + k] = row[k];
    Atomics.store(this.i32, seqAt, v + 2);
  }
}

/**
 * How often copyRow() re-reads a row that is mid-write before it reports it torn. It runs on a
 * worker's batch path, so it never waits on the clock: the caller keeps its older copy instead.
 */
const COPY_TRIES = 8;

/** A worker's side: allocation-free copies of other workers' rows (portfolio VaR). */
export class PositionBoardRows extends PositionBoardView {
  /**
   * Copies symbol s's row as one version wrote it into `out[PositionField.x]` (ROW_FIELDS float64);
   * false when it stayed mid-write through COPY_TRIES reads (out then holds no consistent row).
   */
  copyRow(s: number, out: Float64Array): boolean {
    for (let tries = 0; tries < COPY_TRIES; tries++) if (this.tryCopy(s, out)) return true;
    return false;
  }
}

/** One symbol's published row. */
export interface PositionRow {
  position: number;
  avgPrice: number;
  realizedPnl: number;
  refMid: number;
  openOrders: number;
  openNotional: number;
  /** Only when the row stayed mid-write through every retry (its worker died while writing it). */
  torn?: true;
}

/**
 * How long read() retries a row that stays mid-write before it gives up and says so. A write
 * takes ns, but its thread can be preempted between the two seq stores for a scheduler slice
 * (ms) where threads share a core; only a writer that died there keeps it odd for longer.
 */
const MAX_READ_MS = 50;

/** Main's side: consistent copies of rows. */
export class PositionBoardReader extends PositionBoardView {
  private readonly scratch = new Float64Array(ROW_FIELDS);

  /** Symbol s's row as one version wrote it (retries while the owner is mid-write). */
  read(s: number): PositionRow {
    const t = this.scratch;
    let consistent = false;
    let deadline = 0;
    // Bounded: main must never hang on a row whose writer died between its two seq stores.
    for (let tries = 1; !consistent; tries++) {
      consistent = this.tryCopy(s, t);
      if (!consistent && (tries & 1023) === 0) {
        const now = performance.now();
        if (deadline === 0) deadline = now + MAX_READ_MS;
        else if (now > deadline) break;
      }
    }
    return {
      position: t[PositionField.position],
      avgPrice: t[PositionField.avgPrice],
      realizedPnl: t[PositionField.realizedPnl],
      refMid: t[PositionField.refMid],
      openOrders: t[PositionField.openOrders],
      openNotional: t[PositionField.openNotional],
      ...(consistent ? {} : { torn: true as const }),
    };
  }
}
