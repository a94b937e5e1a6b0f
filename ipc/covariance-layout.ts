/**
 * The published covariance and correlation matrices (issue 11): M x M float64
 * each, double-buffered under a seqlock with a version number. One writer, the
 * correlation pool's publisher; any number of readers (risk workers, main),
 * which never wait and never lock.
 *
 * Byte offsets derived from CACHE_LINE_BYTES (header line: ipc/layout-header.ts):
 *   0        4         8         12        16                                  128
 *   +--------+---------+---------+---------+----------+------ ... ------------+
 *   | magic  | version | symbols | sampleMs| window N |                        |  header line
 *   +--------+---------+---------+---------+----------+------ ... ------------+
 *   128:  +-----------+------- ... -------+   publication line
 *         | published |                   |
 *         +-----------+------- ... -------+
 *   256 + b * bufferBytes, b = 0, 1: buffer b, bufferBytes = 128 + 2*M*M*8 rounded up to a line:
 *   0      4           8        12     16           24          128
 *   +------+-----------+--------+------+------------+--- .. ---+---------------+---------------+
 *   | seq  | bufVersion| points | (pad)| computedNs |          | cov  M*M f64  | corr M*M f64  |
 *   +------+-----------+--------+------+------------+--- .. ---+---------------+---------------+
 *
 *   magic, version, symbols, sampleMs, window: the creator (main), once, before sharing;
 *             every attach checks magic, version and size. sampleMs is the period of the
 *             returns the covariance is of (one sample interval, for horizon scaling).
 *   published the version of the newest complete publication, 1, 2, 3, ...; 0 = none yet.
 *             Version v lives in buffer v & 1. Writer: the publisher.
 *   seq       buffer b's seqlock (int32): odd while the publisher rewrites b, then even.
 *   bufVersion, points (returns per series the matrix used), computedNs (shared monotonic
 *             clock), cov (sample covariance of per-slot log returns, divisor points - 1),
 *             corr (Pearson, row-major, symmetric): the publisher, plain stores between
 *             buffer b's two seq stores.
 *
 * The publisher of version v + 1 writes buffer (v + 1) & 1, the one readers are
 * not directed to, then stores `published`; a reader loads `published`, then
 * copies that buffer under its seq. It sees a torn copy only if the publisher
 * came round to the same buffer again (two publications, 2T = 200 ms by
 * default) during its copy of microseconds; then readCovariance answers -1 and
 * the reader keeps its previous matrix until its next try. Ordering: the
 * seq-cst stores of the even seq and then of `published` follow the plain
 * stores, so a reader that loads `published`, then the same even seq before
 * and after its plain reads, has the matrices one publication wrote.
 */
import { CACHE_LINE_BYTES } from './cache-line.js';
import { HEADER_BYTES, HEADER_FIELDS_BYTE, checkLayoutBytes, readLayoutHeader, writeLayoutHeader, type LayoutId } from './layout-header.js';

export const COVARIANCE_MATRIX: LayoutId = { name: 'covariance matrix', magic: 0x434f564d /* 'COVM' */, version: 1 };

const SYMBOLS = HEADER_FIELDS_BYTE >> 2;
const SAMPLE_MS = SYMBOLS + 1;
const WINDOW = SYMBOLS + 2;
/** int32 index of `published`, in the line after the header. */
const PUBLISHED = HEADER_BYTES >> 2;
const BUFFERS_AT = HEADER_BYTES + CACHE_LINE_BYTES;
/** Offsets in a buffer's line: int32 words, then float64 ones. */
const SEQ_I32 = 0;
const BUF_VERSION_I32 = 1;
const POINTS_I32 = 2;
const COMPUTED_F64 = 2;

export interface CovarianceGeometry {
  symbols: number;
  sampleMs: number;
  window: number;
}

function bufferBytes(symbols: number): number {
  return CACHE_LINE_BYTES + Math.ceil((2 * symbols * symbols * 8) / CACHE_LINE_BYTES) * CACHE_LINE_BYTES;
}

function matrixBytes(symbols: number): number {
  return BUFFERS_AT + 2 * bufferBytes(symbols);
}

export function createCovarianceMatrix(g: CovarianceGeometry): SharedArrayBuffer {
  if (!Number.isInteger(g.symbols) || g.symbols < 1) throw new RangeError(`covariance matrix needs at least one symbol, got ${g.symbols}`);
  const sab = new SharedArrayBuffer(matrixBytes(g.symbols));
  const header = writeLayoutHeader(sab, COVARIANCE_MATRIX);
  header[SYMBOLS] = g.symbols;
  header[SAMPLE_MS] = g.sampleMs;
  header[WINDOW] = g.window;
  return sab;
}

/** Every attach: checks magic, version and size. */
export function attachCovarianceMatrix(sab: SharedArrayBuffer): CovarianceGeometry {
  const header = readLayoutHeader(sab, COVARIANCE_MATRIX);
  const g = { symbols: header[SYMBOLS], sampleMs: header[SAMPLE_MS], window: header[WINDOW] };
  checkLayoutBytes(sab, COVARIANCE_MATRIX, matrixBytes(g.symbols), `${g.symbols} symbols`);
  return g;
}

/** Views of both buffers, made once (subarray per read would allocate). */
abstract class CovarianceBuffers {
  readonly symbols: number;
  readonly sampleMs: number;
  /** Returns per symbol the publisher aims at (N); a matrix may use fewer while the windows fill. */
  readonly window: number;
  protected readonly i32: Int32Array;
  protected readonly line: Int32Array[];
  protected readonly lineF64: Float64Array[];
  protected readonly cov: Float64Array[];
  protected readonly corr: Float64Array[];

  constructor(sab: SharedArrayBuffer) {
    const g = attachCovarianceMatrix(sab);
    this.symbols = g.symbols;
    this.sampleMs = g.sampleMs;
    this.window = g.window;
    this.i32 = new Int32Array(sab);
    const mm = g.symbols * g.symbols;
    const bytes = bufferBytes(g.symbols);
    this.line = [];
    this.lineF64 = [];
    this.cov = [];
    this.corr = [];
    for (let b = 0; b < 2; b++) {
      const at = BUFFERS_AT + b * bytes;
      this.line.push(new Int32Array(sab, at, CACHE_LINE_BYTES >> 2));
      this.lineF64.push(new Float64Array(sab, at, CACHE_LINE_BYTES >> 3));
      this.cov.push(new Float64Array(sab, at + CACHE_LINE_BYTES, mm));
      this.corr.push(new Float64Array(sab, at + CACHE_LINE_BYTES + mm * 8, mm));
    }
  }
}

/** The publisher's side (one thread at a time: the correlation pool's task). */
export class CovariancePublisher extends CovarianceBuffers {
  /**
   * Publishes one covariance and correlation (each M*M, row-major) computed from `points`
   * returns per symbol at `computedNs`; returns the new version.
   */
  publish(cov: Float64Array, corr: Float64Array, points: number, computedNs: number): number {
    const mm = this.symbols * this.symbols;
    if (cov.length < mm || corr.length < mm) throw new RangeError(`publish needs ${mm} values per matrix, got ${cov.length} and ${corr.length}`);
    // Atomics.load, not a plain read: the publisher may run on another pool thread than the last.
    const v = Atomics.load(this.i32, PUBLISHED) + 1;
    const b = v & 1;
    const line = this.line[b];
    const seq = (line[SEQ_I32] + 1) & ~1;
    Atomics.store(line, SEQ_I32, seq + 1);
    line[BUF_VERSION_I32] = v;
    line[POINTS_I32] = points;
    this.lineF64[b][COMPUTED_F64] = computedNs;
    this.cov[b].set(cov.length === mm ? cov : cov.subarray(0, mm));
    this.corr[b].set(corr.length === mm ? corr : corr.subarray(0, mm));
    Atomics.store(line, SEQ_I32, seq + 2);
    Atomics.store(this.i32, PUBLISHED, v);
    return v;
  }
}

/** A reader's side: risk workers and main. Never waits, never locks, allocates nothing. */
export class CovarianceView extends CovarianceBuffers {
  /** Version of the newest publication (0 = none yet): one Atomics.load, for a per-batch check. */
  version(): number {
    return Atomics.load(this.i32, PUBLISHED);
  }

  /** Copies one consistent covariance into out (at least M*M long); its version, or -1 when none is published yet or the copy was torn (retry later). */
  readCovariance(out: Float64Array): number {
    return this.read(this.cov, out);
  }

  /** As readCovariance, for the correlation matrix. */
  readCorrelation(out: Float64Array): number {
    return this.read(this.corr, out);
  }

  /**
   * The newest publication's version, returns per symbol and compute time, for status and
   * logs (allocates: not for the hot path); null when none is published yet or it was torn.
   */
  info(): { version: number; points: number; computedNs: number } | null {
    const v = Atomics.load(this.i32, PUBLISHED);
    if (v === 0) return null;
    const line = this.line[v & 1];
    const seq = Atomics.load(line, SEQ_I32);
    const info = { version: line[BUF_VERSION_I32], points: line[POINTS_I32], computedNs: this.lineF64[v & 1][COMPUTED_F64] };
    return (seq & 1) === 0 && Atomics.load(line, SEQ_I32) === seq ? info : null;
  }

  private read(from: Float64Array[], out: Float64Array): number {
    const v = Atomics.load(this.i32, PUBLISHED);
    if (v === 0) return -1;
    const b = v & 1;
    const line = this.line[b];
    const seq = Atomics.load(line, SEQ_I32);
    if ((seq & 1) !== 0) return -1;
    const version = line[BUF_VERSION_I32];
    out.set(from[b]);
    return Atomics.load(line, SEQ_I32) === seq ? version : -1;
  }
}
