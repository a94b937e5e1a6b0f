/**
 * Rolling log returns per symbol, for the correlation engine (issue 11): each
 * symbol's last N returns on one time grid of `sampleMs` slots, written by the
 * worker that owns the symbol, read by the correlation pool while written.
 *
 * Byte offsets derived from CACHE_LINE_BYTES (header line: ipc/layout-header.ts):
 *   0        4         8         12        16                                  128
 *   +--------+---------+---------+---------+----------+------ ... ------------+
 *   | magic  | version | symbols | window N| sampleMs |                        |  header line
 *   +--------+---------+---------+---------+----------+------ ... ------------+
 *   128 + s * stride: symbol s, stride = 128 + N*8 rounded up to a whole line:
 *   0      4      8          16          24         32        128
 *   +------+------+----------+-----------+----------+--- .. ---+------------------------+
 *   | seq  |(pad) | lastSlot | firstSlot | lastMid  |          | returns: N float64     |
 *   +------+------+----------+-----------+----------+--- .. ---+------------------------+
 *
 *   magic, version, symbols, window, sampleMs: the creator (main), once, before sharing;
 *             every attach checks magic, version and size.
 *   seq       the symbol's seqlock (int32). Writer: the worker that owns the symbol
 *             (symbol s belongs to worker s % W), only: odd while it writes the symbol's
 *             fields and returns, then even (+2 per sample); 0 = never written.
 *   lastSlot  slot of the newest sample: floor(nowNs / sampleNs) on the shared monotonic
 *             clock (core/clock/monotonic-clock.ts), so every worker's slots line up; -1 none.
 *   firstSlot slot of the symbol's first mid (no return: nothing to compare it with); -1 none.
 *   lastMid   the mid sampled at lastSlot (NaN before the first).
 *   returns   ln(mid_k / mid_prev) of slot k at index k % N. Slots a symbol had no tick in
 *             hold 0 (its mid did not move as far as the engine knows), so the returns of
 *             slot k of every symbol are the same period and column k of the matrix lines up;
 *             the first tick after a silence carries the whole move since in its own slot.
 *   All fields after seq: the owning worker, plain stores between the two seq stores.
 *
 * One writer per symbol, so seq needs no CAS. Each symbol's block starts on its
 * own line: workers sampling neighbouring symbols never share one. A sample
 * costs one compare when the slot has not changed (most ticks), else two
 * Atomics.store; nothing allocates. Memory ordering: the seq-cst store of the
 * even seq follows the plain stores, so a reader that loads the same even seq
 * before and after its plain reads has fields and returns that one sample left
 * (as core/risk/position-board.ts). The writer samples at most once per slot
 * (sampleMs >= 1 ms) and a reader copies a window in microseconds, so a retry
 * is rare, and a reader never waits: it reports the copy torn and tries again.
 */
import { CACHE_LINE_BYTES } from './cache-line.js';
import { HEADER_BYTES, HEADER_FIELDS_BYTE, checkLayoutBytes, readLayoutHeader, writeLayoutHeader, type LayoutId } from './layout-header.js';

export const RETURNS_WINDOW: LayoutId = { name: 'returns window', magic: 0x52455457 /* 'RETW' */, version: 1 };

const SYMBOLS = HEADER_FIELDS_BYTE >> 2;
const WINDOW = SYMBOLS + 1;
const SAMPLE_MS = SYMBOLS + 2;
/** float64 offsets in a symbol's control line (0 holds the int32 seq). */
const LAST_SLOT = 1;
const FIRST_SLOT = 2;
const LAST_MID = 3;
const CONTROL_F64 = CACHE_LINE_BYTES >> 3;

export interface ReturnsWindowGeometry {
  symbols: number;
  /** Returns kept per symbol (N). */
  window: number;
  /** Sampling interval: one return per symbol per slot of this length. */
  sampleMs: number;
}

function strideBytes(window: number): number {
  return CACHE_LINE_BYTES + Math.ceil((window * 8) / CACHE_LINE_BYTES) * CACHE_LINE_BYTES;
}

function windowBytes(g: ReturnsWindowGeometry): number {
  return HEADER_BYTES + g.symbols * strideBytes(g.window);
}

export function createReturnsWindow(g: ReturnsWindowGeometry): SharedArrayBuffer {
  if (!Number.isInteger(g.symbols) || g.symbols < 1) throw new RangeError(`returns window needs at least one symbol, got ${g.symbols}`);
  if (!Number.isInteger(g.window) || g.window < 2) throw new RangeError(`returns window needs at least 2 returns, got ${g.window}`);
  if (!Number.isInteger(g.sampleMs) || g.sampleMs < 1) throw new RangeError(`returns window sampleMs must be a whole number >= 1, got ${g.sampleMs}`);
  const sab = new SharedArrayBuffer(windowBytes(g));
  const header = writeLayoutHeader(sab, RETURNS_WINDOW);
  header[SYMBOLS] = g.symbols;
  header[WINDOW] = g.window;
  header[SAMPLE_MS] = g.sampleMs;
  const f = new Float64Array(sab, HEADER_BYTES);
  const stride = strideBytes(g.window) >> 3;
  for (let s = 0; s < g.symbols; s++) {
    f[s * stride + LAST_SLOT] = -1;
    f[s * stride + FIRST_SLOT] = -1;
    f[s * stride + LAST_MID] = NaN;
  }
  return sab;
}

/** Every attach: checks magic, version and size; returns the geometry. */
export function attachReturnsWindow(sab: SharedArrayBuffer): ReturnsWindowGeometry {
  const header = readLayoutHeader(sab, RETURNS_WINDOW);
  const g = { symbols: header[SYMBOLS], window: header[WINDOW], sampleMs: header[SAMPLE_MS] };
  checkLayoutBytes(sab, RETURNS_WINDOW, windowBytes(g), `${g.symbols} symbols x ${g.window} returns`);
  return g;
}

/** Views shared by both sides. */
abstract class ReturnsWindowView {
  readonly geometry: ReturnsWindowGeometry;
  protected readonly i32: Int32Array;
  protected readonly f64: Float64Array;
  /** float64 per symbol block; the int32 seq of symbol s is at i32[s * strideF64 * 2]. */
  protected readonly strideF64: number;

  constructor(sab: SharedArrayBuffer) {
    this.geometry = attachReturnsWindow(sab);
    this.i32 = new Int32Array(sab, HEADER_BYTES);
    this.f64 = new Float64Array(sab, HEADER_BYTES);
    this.strideF64 = strideBytes(this.geometry.window) >> 3;
  }
}

/** sample()'s scratch argument: [mid, nowNs]. */
export const SAMPLE_MID = 0;
export const SAMPLE_NOW_NS = 1;

/** The owning worker's side: one call per tick (or per batch) with the symbol's reference mid. */
export class ReturnsWriter extends ReturnsWindowView {
  private readonly sampleNs: number;

  constructor(sab: SharedArrayBuffer) {
    super(sab);
    this.sampleNs = this.geometry.sampleMs * 1e6;
  }

  /**
   * Samples symbol s's mid at[SAMPLE_MID] taken at at[SAMPLE_NOW_NS] (shared monotonic clock):
   * a no-op unless a new slot began since its last sample. Ignores a mid that is not a positive
   * finite number. The two doubles travel in a scratch array, not as arguments: doubles passed
   * to a call V8 does not inline are boxed (a heap number each), and this runs per tick.
   * Allocation-free. The caller must own s (one writer per symbol).
   */
  sample(s: number, at: Float64Array): void {
    const mid = at[SAMPLE_MID];
    const c = s * this.strideF64;
    const f = this.f64;
    const slot = Math.floor(at[SAMPLE_NOW_NS] / this.sampleNs);
    const last = f[c + LAST_SLOT];
    if (slot <= last || !(mid > 0 && mid < Infinity)) return;
    const seqAt = c << 1;
    // Plain read: this thread is the only writer. Rounded up to even: a worker that died
    // mid-write left it odd, and its restarted self must still end on an even seq.
    const v = (this.i32[seqAt] + 1) & ~1;
    Atomics.store(this.i32, seqAt, v + 1);
    const prevMid = f[c + LAST_MID];
    if (prevMid !== prevMid) {
      f[c + FIRST_SLOT] = slot;
    } else {
      const n = this.geometry.window;
      const data = c + CONTROL_F64;
      // Slots without a tick since the last sample: the mid did not move (at most N to clear).
      const gap = slot - last - 1 < n ? slot - last - 1 : n;
      for (let k = 1; k <= gap; k++) f[data + ((last + k) % n)] = 0;
      f[data + (slot % n)] = Math.log(mid / prevMid);
    }
    f[c + LAST_SLOT] = slot;
    f[c + LAST_MID] = mid;
    Atomics.store(this.i32, seqAt, v + 2);
  }
}

/** What a reader saw of one symbol: slots as float64 (-1 none). */
export interface SymbolSlots {
  lastSlot: number;
  firstSlot: number;
}

/**
 * The correlation pool's side: copies windows aligned on one end slot, never waiting
 * for a writer (a copy that overlapped a sample says so and the caller retries).
 */
export class ReturnsReader extends ReturnsWindowView {
  /**
   * Slots of symbol s as one sample left them, into `out`; false when the copy overlapped
   * a sample (try again).
   */
  slots(s: number, out: SymbolSlots): boolean {
    const c = s * this.strideF64;
    const seqAt = c << 1;
    const v1 = Atomics.load(this.i32, seqAt);
    out.lastSlot = this.f64[c + LAST_SLOT];
    out.firstSlot = this.f64[c + FIRST_SLOT];
    return (v1 & 1) === 0 && Atomics.load(this.i32, seqAt) === v1;
  }

  /**
   * Copies symbol s's returns of slots endSlot - n + 1 .. endSlot into out[at .. at + n):
   * 0 for slots after its newest sample (no tick since: no move); slots at or before its first
   * mid read 0 too, as they were never written (the buffer starts zeroed). False when the copy overlapped a sample, or when the symbol has moved so far past
   * endSlot that some of those slots were overwritten: the caller picks a new endSlot and retries.
   * Needs n <= N.
   */
  copyAligned(s: number, endSlot: number, n: number, out: Float64Array, at: number): boolean {
    const N = this.geometry.window;
    const c = s * this.strideF64;
    const data = c + CONTROL_F64;
    const seqAt = c << 1;
    const f = this.f64;
    const v1 = Atomics.load(this.i32, seqAt);
    if ((v1 & 1) !== 0) return false;
    const last = f[c + LAST_SLOT];
    const start = endSlot - n + 1;
    if (start <= last - N) return false;
    for (let k = 0; k < n; k++) {
      const slot = start + k;
      out[at + k] = slot > last ? 0 : f[data + (slot % N)];
    }
    return Atomics.load(this.i32, seqAt) === v1;
  }
}
