/**
 * The breaker board: one SharedArrayBuffer holding the account's trading word
 * (the global kill switch) and one circuit breaker per exchange. Every thread
 * attaches to the same buffer; nothing here is ever locked or messaged.
 *
 * Byte offsets derived from CACHE_LINE_BYTES (128). Line 0 is the header (ipc/layout-header.ts):
 *   0        4         8        12                      44                        128
 *   +--------+---------+--------+---- ... --------------+---------- ... ----------+
 *   | magic  | version | count  | blockOffset i32 x 8   |                         |
 *   +--------+---------+--------+---- ... --------------+---------- ... ----------+
 *   magic, version  BREAKER_BOARD; count: breakers on the board; blockOffset: byte of each one's block.
 *               Writer: main, at creation only. Every attach checks them, the block chain and the size.
 *
 * Line 1, the trading line (TRADING_BYTE = CACHE_LINE_BYTES):
 *   128        132        136                144                            168        256
 *   +----------+----------+------------------+------------------------------+--- ... ---+
 *   | trading  | (pad)    | killedAtNs  f64  | backoffUntilNs f64 x VENUES  |           |
 *   +----------+----------+------------------+------------------------------+--- ... ---+
 *   trading     bits 0-1: configured mode (TradingMode), written by main (config, operator);
 *               bits 8-15: kill reason, set once by the first thread to trip the kill switch, cleared by main.
 *               Invariant: reason != 0 => every worker treats the account as HALTED.
 *   killedAtNs  written by the thread whose CAS set the kill reason, right after it.
 *   backoffUntilNs[v]  written only by venue v's gateway (plain store) when the venue answers 429 or 418:
 *               until that shared-clock time workers reject the venue's orders RATE_LIMITED (0 = none).
 *               Workers read it on every order (plain read: one value, nothing else ordered by it).
 *   A line of its own: the header is written once, this line whenever the mode or the kill switch changes.
 *
 * Breaker blocks from FIRST_BLOCK_BYTE (256), each right after the one before and starting on a line
 * (B = its first byte; lines of CACHE_LINE_BYTES). Each line has one kind of writer,
 * so allow() (reads line 0) never misses on the lines that recorders hammer.
 *   B+0     line 0  state       i32  epoch << 3 | BreakerState. Writer: whoever wins a transition CAS.
 *                                    The epoch counts transitions (28 bits, wraps); state words are >= 0.
 *   B+128   line 1  window counters. Writer: every recorder (Atomics.add / exchange only).
 *                   count window: +0 seq i32   calls recorded since creation (wraps); call i owns slot i % N
 *                                 +4 agg i32   failures in the window (bits 0-15) + slow calls in it (bits 16-31),
 *                                              both signed 16-bit fields; = the sum over the slots once quiet
 *                   time window:  +0 cum, +4 cumFail, +8 cumSlow i32: calls, failures, slow calls since
 *                                 creation (wrapping; only differences are used)
 *   B+256   line 2  permits     i32  (epoch & TAG_MASK) << 10 | permits issued in that HALF_OPEN episode. Writer: probers (CAS).
 *   B+384   line 3  probeOk     i32  (epoch & TAG_MASK) << 10 | successful probes in that episode. Writer: probe recorders (CAS).
 *   B+512   line 4  transition data. Writer: the winner of the transition that the tag names, right after its CAS.
 *           +0  deadlineTag i32  epoch whose deadline is in `deadlineNs` (OPEN: backoff end; HALF_OPEN: probe timeout)
 *           +4  attempt     i32  consecutive opens since the breaker was last CLOSED (backoff exponent)
 *           +8  baseTag     i32  CLOSED epoch whose window is ready (count: old outcomes swept out;
 *                                time: base below written). Until then recorders record but do not judge.
 *           +12 baseCum     i32  `seq` (count) or `cum` (time) when that CLOSED epoch began
 *           +16 baseFail    i32  time window: `cumFail` then
 *           +20 baseSlow    i32  time window: `cumSlow` then
 *           +24 baseBucket  i32  time window: bucket number then
 *           +28 opens       i32  transitions into OPEN since creation (a statistic)
 *           +32 deadlineNs  f64
 *   B+640   line 5  config. Writer: main (creation, live reload); plain reads, a reader may mix old and new values once.
 *           +0 windowType i32, +4 windowSize i32 (count: N calls; time: buckets), +12 minCalls i32,
 *           +16 halfOpenPermits i32, +24 failPct f64, +32 slowPct f64, +40 slowNs f64, +48 waitNs f64,
 *           +56 multiplier f64, +64 maxWaitNs f64, +72 bucketNs f64, +80 halfOpenMaxNs f64
 *   B+768   transition log: LOG_ENTRIES entries of 64 bytes, entry (epoch & LOG_MASK). Writer: that epoch's winner.
 *           +0 tag i32 (epoch when complete, -1 while written), +4 state, +8 reason, +12 calls, +16 failure rate (bp),
 *           +20 slow rate (bp), +24 attempt, +28 wait (ms), +32 timeNs f64
 *   B+1792  window area. Writer: every recorder.
 *           count: N i32 slots, slot i % N = Outcome bits of call i (0 = success, or empty).
 *           time: one 16-byte snapshot per bucket: tag i32 (bucket number & 0x7fffffff; BUCKET_EMPTY before
 *           first use, BUCKET_WRITING while written), then cum, cumFail, cumSlow i32 as they stood when the bucket's first call was recorded.
 */
import { CACHE_LINE_BYTES } from '../../ipc/cache-line.js';
import { HEADER_BYTES, HEADER_FIELDS_BYTE, checkLayoutBytes, readLayoutHeader, writeLayoutHeader, type LayoutId } from '../../ipc/layout-header.js';
import { timeBuckets, type BreakerSettings } from './breaker-settings.js';

export const BREAKER_BOARD: LayoutId = { name: 'breaker board', magic: 0x42524b42 /* 'BRKB' */, version: 2 };
export const MAX_BREAKERS = 8;

const TRADING_BYTE = HEADER_BYTES;
const FIRST_BLOCK_BYTE = TRADING_BYTE + CACHE_LINE_BYTES;
const COUNT = HEADER_FIELDS_BYTE >> 2;

/** int32 / float64 indexes into the header and trading lines. */
export const Header = {
  count: COUNT,
  blockOffset: COUNT + 1,
  trading: TRADING_BYTE >> 2,
  killedAtNsF64: (TRADING_BYTE + 8) >> 3,
  /** float64 index of venue 0's backoffUntilNs; venue v's is this + v. */
  backoffUntilNsF64: (TRADING_BYTE + 16) >> 3,
} as const;

export const BreakerState = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2, FORCED_OPEN: 3, DISABLED: 4 } as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];
export const BREAKER_STATE_NAMES = ['CLOSED', 'OPEN', 'HALF_OPEN', 'FORCED_OPEN', 'DISABLED'] as const;
export const STATE_MASK = 7;
export const EPOCH_MASK = 0x0fffffff;

/** Epoch tags in the permit words: 21 bits, compared modulo 2^21. */
export const TAG_MASK = 0x1fffff;
export const TAG_HALF = 0x100000;

/** Count window `agg`: failures + slow calls * AGG_SLOW_UNIT, each a signed 16-bit field. */
export const AGG_SLOW_UNIT = 0x10000;

export const LOG_ENTRIES = 16;
export const LOG_MASK = LOG_ENTRIES - 1;
export const LOG_ENTRY_BYTES = 64;

/** Bucket tags are bucket numbers & 0x7fffffff; these two never collide with one. */
export const BUCKET_EMPTY = -1;
export const BUCKET_WRITING = -0x80000000;

/** Start of each line of a breaker block: one kind of writer per line. */
const STATE_LINE = 0;
const WINDOW_LINE = STATE_LINE + CACHE_LINE_BYTES;
const PERMITS_LINE = WINDOW_LINE + CACHE_LINE_BYTES;
const PROBE_OK_LINE = PERMITS_LINE + CACHE_LINE_BYTES;
const TRANSITION_LINE = PROBE_OK_LINE + CACHE_LINE_BYTES;
const CONFIG_LINE = TRANSITION_LINE + CACHE_LINE_BYTES;
const LOG_BYTE = CONFIG_LINE + CACHE_LINE_BYTES;

/** Byte offsets within a breaker block. */
export const Block = {
  state: STATE_LINE,
  seq: WINDOW_LINE,
  agg: WINDOW_LINE + 4,
  cum: WINDOW_LINE,
  cumFail: WINDOW_LINE + 4,
  cumSlow: WINDOW_LINE + 8,
  permits: PERMITS_LINE,
  probeOk: PROBE_OK_LINE,
  deadlineTag: TRANSITION_LINE,
  attempt: TRANSITION_LINE + 4,
  baseTag: TRANSITION_LINE + 8,
  baseCum: TRANSITION_LINE + 12,
  baseFail: TRANSITION_LINE + 16,
  baseSlow: TRANSITION_LINE + 20,
  baseBucket: TRANSITION_LINE + 24,
  opens: TRANSITION_LINE + 28,
  deadlineNs: TRANSITION_LINE + 32,
  config: CONFIG_LINE,
  log: LOG_BYTE,
  window: LOG_BYTE + LOG_ENTRIES * LOG_ENTRY_BYTES,
} as const;

/** Byte offsets within the config line. */
export const Config = {
  windowType: 0,
  windowSize: 4,
  minCalls: 12,
  halfOpenPermits: 16,
  failPct: 24,
  slowPct: 32,
  slowNs: 40,
  waitNs: 48,
  multiplier: 56,
  maxWaitNs: 64,
  bucketNs: 72,
  halfOpenMaxNs: 80,
} as const;

/** Byte offsets within a log entry. */
export const LogEntry = {
  tag: 0,
  state: 4,
  reason: 8,
  calls: 12,
  failBp: 16,
  slowBp: 20,
  attempt: 24,
  waitMs: 28,
  timeNs: 32,
} as const;

export const WindowType = { count: 0, time: 1 } as const;

export const TransitionReason = {
  FAILURE_RATE: 1,
  SLOW_CALL_RATE: 2,
  BACKOFF_ELAPSED: 3,
  PROBES_SUCCEEDED: 4,
  PROBE_FAILED: 5,
  HALF_OPEN_TIMEOUT: 6,
  FORCED_OPEN: 7,
  DISABLED: 8,
  RESET: 9,
} as const;
export const TRANSITION_REASON_NAMES: readonly string[] = [
  '',
  'failure rate',
  'slow-call rate',
  'backoff elapsed',
  'probes succeeded',
  'probe failed',
  'half-open timeout',
  'forced open',
  'disabled',
  'reset',
];

/** Bytes of a window area, rounded up to whole lines: `size` count slots or time buckets. */
function windowBytes(windowType: number, size: number): number {
  const bytes = windowType === WindowType.count ? size * 4 : size * 16;
  return Math.ceil(bytes / CACHE_LINE_BYTES) * CACHE_LINE_BYTES;
}

function blockBytes(s: BreakerSettings): number {
  const count = s.slidingWindowType === 'count';
  return Block.window + windowBytes(count ? WindowType.count : WindowType.time, count ? s.slidingWindowSize : timeBuckets(s));
}

/** Allocates the board: one breaker per entry of `settings`, all CLOSED with a fresh window. */
export function createBreakerBoard(settings: readonly BreakerSettings[]): SharedArrayBuffer {
  if (settings.length < 1 || settings.length > MAX_BREAKERS) throw new RangeError(`a board holds 1 to ${MAX_BREAKERS} breakers`);
  let bytes = FIRST_BLOCK_BYTE;
  const offsets: number[] = [];
  for (const s of settings) {
    offsets.push(bytes);
    bytes += blockBytes(s);
  }
  const sab = new SharedArrayBuffer(bytes);
  writeLayoutHeader(sab, BREAKER_BOARD);
  const i32 = new Int32Array(sab);
  i32[Header.count] = settings.length;
  offsets.forEach((o, k) => {
    i32[Header.blockOffset + k] = o;
    writeBreakerConfig(sab, o, settings[k]);
    // Epoch 0 is CLOSED with its window base at the empty window.
    i32[(o + Block.baseTag) >> 2] = 0;
    for (let e = 0; e < LOG_ENTRIES; e++) i32[(o + Block.log + e * LOG_ENTRY_BYTES + LogEntry.tag) >> 2] = -1;
    if (settings[k].slidingWindowType === 'time') {
      const first = (o + Block.window) >> 2;
      for (let b = 0; b < timeBuckets(settings[k]); b++) i32[first + b * 4] = BUCKET_EMPTY;
    }
  });
  return sab;
}

/** Writes a breaker's config line (main only). The window type and size must match the block's (breakerLayoutDiffers). */
export function writeBreakerConfig(sab: SharedArrayBuffer, blockOffset: number, s: BreakerSettings): void {
  const i32 = new Int32Array(sab);
  const f64 = new Float64Array(sab);
  const c = blockOffset + Block.config;
  const count = s.slidingWindowType === 'count';
  i32[(c + Config.windowType) >> 2] = count ? WindowType.count : WindowType.time;
  i32[(c + Config.windowSize) >> 2] = count ? s.slidingWindowSize : timeBuckets(s);
  // A count window can never hold more than N calls, so more would never trip (resilience4j clamps the same way).
  i32[(c + Config.minCalls) >> 2] = count ? Math.min(s.minimumNumberOfCalls, s.slidingWindowSize) : s.minimumNumberOfCalls;
  i32[(c + Config.halfOpenPermits) >> 2] = s.permittedNumberOfCallsInHalfOpenState;
  f64[(c + Config.failPct) >> 3] = s.failureRateThreshold;
  f64[(c + Config.slowPct) >> 3] = s.slowCallRateThreshold;
  f64[(c + Config.slowNs) >> 3] = s.slowCallDurationThresholdMs * 1e6;
  f64[(c + Config.waitNs) >> 3] = s.waitDurationInOpenStateMs * 1e6;
  f64[(c + Config.multiplier) >> 3] = s.backoffMultiplier;
  f64[(c + Config.maxWaitNs) >> 3] = s.maxWaitDurationInOpenStateMs * 1e6;
  f64[(c + Config.bucketNs) >> 3] = s.bucketMs * 1e6;
  f64[(c + Config.halfOpenMaxNs) >> 3] = s.maxWaitDurationInHalfOpenStateMs * 1e6;
}

/**
 * Every attach: checks magic and version, that each block starts where the one
 * before it ends (its window's type and size are in its config line, fixed at
 * creation) and that the last ends with the buffer. Returns the header line.
 */
export function attachBreakerBoard(sab: SharedArrayBuffer): Int32Array {
  const header = readLayoutHeader(sab, BREAKER_BOARD);
  const n = header[Header.count];
  if (!(n >= 1 && n <= MAX_BREAKERS)) throw new TypeError(`${BREAKER_BOARD.name}: ${n} breakers in its header, expected 1 to ${MAX_BREAKERS}`);
  const i32 = new Int32Array(sab, 0, sab.byteLength >> 2);
  let expected = FIRST_BLOCK_BYTE;
  for (let k = 0; k < n; k++) {
    const o = header[Header.blockOffset + k];
    if (o !== expected || o + Block.window > sab.byteLength) throw new TypeError(`${BREAKER_BOARD.name}: breaker ${k} at byte ${o}, expected ${expected} within ${sab.byteLength} bytes`);
    const c = o + Block.config;
    expected = o + Block.window + windowBytes(i32[(c + Config.windowType) >> 2], i32[(c + Config.windowSize) >> 2]);
  }
  checkLayoutBytes(sab, BREAKER_BOARD, expected, `${n} breakers`);
  return header;
}

export function boardBreakerCount(sab: SharedArrayBuffer): number {
  return attachBreakerBoard(sab)[Header.count];
}

export function blockOffset(sab: SharedArrayBuffer, index: number): number {
  const header = attachBreakerBoard(sab);
  const n = header[Header.count];
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`breaker ${index} is not on this board (0..${n - 1})`);
  return header[Header.blockOffset + index];
}
