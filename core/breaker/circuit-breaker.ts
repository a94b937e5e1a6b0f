/**
 * A lock-free circuit breaker over one block of the breaker board (layout and
 * field owners in breaker-layout.ts). Any thread may attach to the same block;
 * they agree through Atomics on the shared words only.
 *
 * States and transitions (resilience4j's state machine):
 *   CLOSED    --window failure or slow-call rate >= threshold, after minCalls--> OPEN
 *   OPEN      --first allow() after the backoff deadline--> HALF_OPEN
 *   HALF_OPEN --all N probes succeeded--> CLOSED;  --a probe failed or was slow,
 *               or the half-open timeout passed--> OPEN (next backoff step)
 *   any       --forceOpen() / disable() / reset()--> FORCED_OPEN / DISABLED / CLOSED
 * Every transition is one compareExchange on the state word that also bumps its
 * epoch, so exactly one thread wins each transition and does its bookkeeping.
 *
 * Ordering: JS Atomics are sequentially consistent. What a transition winner
 * writes with plain stores (deadline, window base, log fields) is published by
 * its later Atomics.store of the matching tag; readers Atomics.load the tag
 * first and ignore the data until it names their epoch.
 *
 * Hot path: allow() on CLOSED is one plain load and a compare; recording a
 * success over a success is one Atomics.add. No method allocates (numbers and
 * typed arrays only). Pass `nowNs` as the clock returned it (once per batch),
 * or omit it: a time the caller computed is a raw double that V8 boxes when it
 * is handed to a call it did not inline.
 */
import {
  Block,
  BreakerState,
  Config,
  AGG_SLOW_UNIT,
  EPOCH_MASK,
  LOG_ENTRY_BYTES,
  LOG_MASK,
  LogEntry,
  STATE_MASK,
  TAG_HALF,
  TAG_MASK,
  TransitionReason,
  WindowType,
  BUCKET_WRITING,
  blockOffset,
} from './breaker-layout.js';

/** Anything with a monotonic nanosecond clock: core/clock/monotonic-clock.ts, or a test's fake. */
export interface NanoClock {
  nowNs(): number;
}

/** A call's outcome: bit 0 = failed, bit 1 = slow. */
export const Outcome = { SUCCESS: 0, FAILURE: 1, SLOW: 2, SLOW_FAILURE: 3 } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];
const FAILED = 1;
const SLOW = 2;

/** acquire()'s refusal; any other result is a permit (>= 0). */
export const NO_PERMIT = -1;

/** Rates in the window, as last measured (for metrics and logs). */
export interface WindowStats {
  calls: number;
  failureRate: number;
  slowCallRate: number;
}

/** x within [0, max], as an int32 (Math.min/max would yield a double, boxed when stored in a field). */
function clampCount(x: number, max: number): number {
  return x < 0 ? 0 : x > max ? max : x;
}

export class CircuitBreaker {
  readonly index: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly st: number;
  private readonly seq: number;
  private readonly agg: number;
  private readonly cum: number;
  private readonly cumFail: number;
  private readonly cumSlow: number;
  private readonly permits: number;
  private readonly probeOk: number;
  private readonly deadlineTag: number;
  private readonly attempt: number;
  private readonly baseTag: number;
  private readonly baseCum: number;
  private readonly baseFail: number;
  private readonly baseSlow: number;
  private readonly baseBucket: number;
  private readonly opens: number;
  private readonly deadlineNs: number;
  private readonly cfgI: number;
  private readonly cfgF: number;
  private readonly log: number;
  private readonly win: number;
  private readonly timeWindow: boolean;
  /** Count: N calls; time: buckets. Fixed for the board's life (the layout depends on it). */
  private readonly windowSize: number;
  private readonly minCallsAt: number;
  /** Time window: counts at the window's start, for epoch `startState` and oldest bucket `startOldest`. */
  private c0 = 0;
  private f0 = 0;
  private s0 = 0;
  private startState = -1;
  private startOldest = NaN;
  /** Window counts of the last measurement. */
  private wCalls = 0;
  private wFails = 0;
  private wSlow = 0;

  constructor(
    sab: SharedArrayBuffer,
    index: number,
    private readonly clock: NanoClock,
  ) {
    const b = blockOffset(sab, index);
    this.index = index;
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    this.st = (b + Block.state) >> 2;
    this.seq = (b + Block.seq) >> 2;
    this.agg = (b + Block.agg) >> 2;
    this.cum = (b + Block.cum) >> 2;
    this.cumFail = (b + Block.cumFail) >> 2;
    this.cumSlow = (b + Block.cumSlow) >> 2;
    this.permits = (b + Block.permits) >> 2;
    this.probeOk = (b + Block.probeOk) >> 2;
    this.deadlineTag = (b + Block.deadlineTag) >> 2;
    this.attempt = (b + Block.attempt) >> 2;
    this.baseTag = (b + Block.baseTag) >> 2;
    this.baseCum = (b + Block.baseCum) >> 2;
    this.baseFail = (b + Block.baseFail) >> 2;
    this.baseSlow = (b + Block.baseSlow) >> 2;
    this.baseBucket = (b + Block.baseBucket) >> 2;
    this.opens = (b + Block.opens) >> 2;
    this.deadlineNs = (b + Block.deadlineNs) >> 3;
    this.cfgI = (b + Block.config) >> 2;
    this.cfgF = (b + Block.config) >> 3;
    this.log = (b + Block.log) >> 2;
    this.win = (b + Block.window) >> 2;
    this.timeWindow = this.i32[this.cfgI + (Config.windowType >> 2)] === WindowType.time;
    this.windowSize = this.i32[this.cfgI + (Config.windowSize >> 2)];
    this.minCallsAt = this.cfgI + (Config.minCalls >> 2);
  }

  /**
   * May a call go out now? CLOSED and DISABLED: yes. OPEN: no, until the backoff
   * deadline, when the first caller moves it to HALF_OPEN. HALF_OPEN: yes for
   * exactly N callers per episode (a CAS on the permit word), then no.
   * `nowNs` saves a clock read; it is read only when the breaker is not CLOSED.
   */
  allow(nowNs?: number): boolean {
    // Plain read (1-2 ns vs ~15 for Atomics.load): x86 loads are coherent, callers already order their batch with a
    // seq-cst ring load, nothing else is read on this path, and every transition out of what we saw is a CAS.
    const s = this.i32[this.st];
    if ((s & STATE_MASK) === BreakerState.CLOSED) return true;
    return this.acquireSlow(s, nowNs) !== NO_PERMIT;
  }

  /** allow() that returns a permit (the state word, >= 0) or NO_PERMIT, for record(). */
  acquire(nowNs?: number): number {
    // Plain read, as in allow(): a stale permit only loses its CAS-guarded transitions.
    const s = this.i32[this.st];
    if ((s & STATE_MASK) === BreakerState.CLOSED) return s;
    return this.acquireSlow(s, nowNs);
  }

  private acquireSlow(s: number, nowNs: number | undefined): number {
    for (;;) {
      switch (s & STATE_MASK) {
        case BreakerState.CLOSED:
        case BreakerState.DISABLED:
          return s;
        case BreakerState.FORCED_OPEN:
          return NO_PERMIT;
        case BreakerState.OPEN: {
          // The deadline belongs to this epoch only once its winner has stored the tag.
          if (Atomics.load(this.i32, this.deadlineTag) !== s >>> 3) return NO_PERMIT;
          const now = nowNs === undefined ? this.clock.nowNs() : nowNs;
          if (now < this.f64[this.deadlineNs]) return NO_PERMIT;
          this.transition(s, BreakerState.HALF_OPEN, TransitionReason.BACKOFF_ELAPSED, now);
          s = Atomics.load(this.i32, this.st);
          continue;
        }
        default: {
          if (this.takePermit(s)) return s;
          this.checkHalfOpenTimeout(s, nowNs);
          return NO_PERMIT;
        }
      }
    }
  }

  /** One permit of the HALF_OPEN episode `s`, by CAS: N racing threads get N permits and no more. */
  private takePermit(s: number): boolean {
    const tag = (s >>> 3) & TAG_MASK;
    const max = this.i32[this.cfgI + (Config.halfOpenPermits >> 2)];
    for (;;) {
      const w = Atomics.load(this.i32, this.permits);
      const wt = w >>> 10;
      let issued: number;
      if (wt === tag) issued = w & 1023;
      else if (((tag - wt) & TAG_MASK) < TAG_HALF) issued = 0; // left over from an earlier episode
      else return false; // a later episode has begun: our view of the state is stale
      if (issued >= max) return false;
      // The CAS succeeds only from the value we checked, so every success is one of the first `max`.
      if (Atomics.compareExchange(this.i32, this.permits, w, (tag << 10) | (issued + 1)) === w) break;
    }
    // A permit taken after the episode ended (a probe failed meanwhile) is void.
    return Atomics.load(this.i32, this.st) === s;
  }

  private checkHalfOpenTimeout(s: number, nowNs: number | undefined): void {
    if (this.f64[this.cfgF + (Config.halfOpenMaxNs >> 3)] === 0) return;
    if (Atomics.load(this.i32, this.deadlineTag) !== s >>> 3) return;
    const now = nowNs === undefined ? this.clock.nowNs() : nowNs;
    if (now >= this.f64[this.deadlineNs]) this.transition(s, BreakerState.OPEN, TransitionReason.HALF_OPEN_TIMEOUT, now);
  }

  /**
   * Records a call's outcome (Outcome bits). CLOSED: into the sliding window,
   * tripping to OPEN when a rate crosses its threshold. HALF_OPEN: as a probe.
   * Other states ignore outcomes. With the permit acquire() gave the call, an
   * outcome is counted in the state the call was admitted in (a CLOSED-era
   * call finishing during HALF_OPEN is not a probe), and the state word is not
   * read again.
   */
  record(outcome: number, nowNs?: number, permit: number = NO_PERMIT): void {
    // A permit is the state word the call was admitted in: no load, and an outcome that outlived its
    // state is judged against that state, whose transitions can no longer win (their CAS fails).
    const s = permit === NO_PERMIT ? Atomics.load(this.i32, this.st) : permit;
    const state = s & STATE_MASK;
    if (state === BreakerState.CLOSED) {
      // nowNs is passed on as it came: a double made here would be boxed for the call.
      if (this.timeWindow) this.recordTime(s, outcome, nowNs);
      else this.recordCount(s, outcome, nowNs);
    } else if (state === BreakerState.HALF_OPEN) {
      this.recordProbe(s, outcome, nowNs);
    }
  }

  /** record() for a call that failed or not and took `durationNs`; slow = at least the slow-call threshold. */
  recordCall(failed: boolean, durationNs: number, nowNs?: number, permit: number = NO_PERMIT): void {
    const slow = durationNs >= this.f64[this.cfgF + (Config.slowNs >> 3)] ? SLOW : 0;
    this.record((failed ? FAILED : 0) | slow, nowNs, permit);
  }

  /**
   * Count window, wait-free: call i (one Atomics.add on `seq`) owns slot i % N
   * for this lap. A slot holds the Outcome bits of its latest call (0 = success
   * or empty). Every change to a slot is an exchange paired with exactly its
   * own delta to the window's failure and slow counts (the outcome in, the
   * evicted one out), so once quiet the counts equal the sum over the slots,
   * whatever the interleaving or however late a preempted thread finishes;
   * while busy they are off by at most the calls in flight. A success landing
   * on a success changes nothing, which a plain read of the slot shows: the
   * common case costs the one Atomics.add.
   */
  private recordCount(s: number, outcome: number, nowNs: number | undefined): void {
    const i32 = this.i32;
    const i = Atomics.add(i32, this.seq, 1) >>> 0;
    const slot = this.win + (i % this.windowSize);
    // Calls since this CLOSED epoch began; a plain read, used only to decide whether to judge.
    const since = (i + 1 - i32[this.baseCum]) >>> 0;
    // A success on a success: rates cannot rise; only the call that makes the window eligible is judged.
    if (outcome === Outcome.SUCCESS && i32[slot] === 0 && since !== i32[this.minCallsAt]) return;
    this.recordCountChange(s, outcome, nowNs, slot, since);
  }

  private recordCountChange(s: number, outcome: number, nowNs: number | undefined, slot: number, since: number): void {
    const i32 = this.i32;
    const old = Atomics.exchange(i32, slot, outcome);
    const dFail = (outcome & FAILED) - (old & FAILED);
    const dSlow = ((outcome & SLOW) - (old & SLOW)) >> 1;
    const d = dFail + dSlow * AGG_SLOW_UNIT;
    const agg = d === 0 ? Atomics.load(i32, this.agg) : (Atomics.add(i32, this.agg, d) + d) | 0;
    if (dFail <= 0 && dSlow <= 0 && since !== i32[this.minCallsAt]) return;
    // A new CLOSED epoch's window is judged only once its winner has swept out the old outcomes.
    if (Atomics.load(i32, this.baseTag) !== s >>> 3) return;
    const n = this.windowSize;
    this.wCalls = since < n ? since : n;
    const fails = (agg << 16) >> 16;
    this.wFails = fails;
    this.wSlow = (agg - fails) >> 16;
    const trip = this.verdict();
    if (trip !== 0) this.transition(s, BreakerState.OPEN, trip, nowNs);
  }

  /** Empties every slot, taking each evicted outcome out of the counters (the winner of a move to CLOSED). */
  private sweepCountWindow(): void {
    const i32 = this.i32;
    const n = this.windowSize;
    for (let k = 0; k < n; k++) {
      const old = Atomics.exchange(i32, this.win + k, 0);
      const d = (old & FAILED) + ((old & SLOW) >> 1) * AGG_SLOW_UNIT;
      if (d !== 0) Atomics.sub(i32, this.agg, d);
    }
  }

  /**
   * Time window: cumulative counters plus one snapshot per bucket, taken by the
   * bucket's first recorder. The window's counts are cum(now) minus the oldest
   * snapshot inside it (or the CLOSED epoch's base, if later). A bucket with no
   * snapshot had no calls, so the next snapshot equals it. Calls in flight at a
   * bucket's start may land in the neighbouring bucket.
   */
  private recordTime(s: number, outcome: number, nowNs: number | undefined): void {
    const i32 = this.i32;
    const now = nowNs === undefined ? this.clock.nowNs() : nowNs;
    const calls = (Atomics.add(i32, this.cum, 1) + 1) | 0;
    if (outcome & FAILED) Atomics.add(i32, this.cumFail, 1);
    if (outcome & SLOW) Atomics.add(i32, this.cumSlow, 1);
    const b = Math.floor(now / this.f64[this.cfgF + (Config.bucketNs >> 3)]);
    const k = this.win + (b % this.windowSize) * 4;
    const tag = b & 0x7fffffff;
    const t = Atomics.load(i32, k);
    if (t !== tag && t !== BUCKET_WRITING && Atomics.compareExchange(i32, k, t, BUCKET_WRITING) === t) {
      // The bucket's first call: the counts as they stood before it (its own outcome taken back out).
      i32[k + 1] = (calls - 1) | 0;
      i32[k + 2] = (Atomics.load(i32, this.cumFail) - (outcome & FAILED)) | 0;
      i32[k + 3] = (Atomics.load(i32, this.cumSlow) - ((outcome & SLOW) >> 1)) | 0;
      Atomics.store(i32, k, tag); // publishes the three plain stores above
    }
    if (!this.windowStart(s, b)) return;
    if (((calls - this.c0) | 0) <= 0) return;
    // A success cannot raise a rate; only the call that makes the window eligible is judged.
    if (outcome === Outcome.SUCCESS && ((calls - this.c0) | 0) !== i32[this.minCallsAt]) return;
    // Failures and slow calls first, then calls: each recorder adds to cum before cumFail,
    // so every failure seen here has its call in the later cum. Judging with our own
    // `calls` instead mixed a count from before a preemption with failures from after it,
    // and tripped a breaker at 12 % failures (seen with 8 threads on 2 loaded cores).
    const fails = (Atomics.load(i32, this.cumFail) - this.f0) | 0;
    const slow = (Atomics.load(i32, this.cumSlow) - this.s0) | 0;
    const dc = (Atomics.load(i32, this.cum) - this.c0) | 0;
    this.wCalls = dc;
    this.wFails = clampCount(fails, dc);
    this.wSlow = clampCount(slow, dc);
    const trip = this.verdict();
    if (trip !== 0) this.transition(s, BreakerState.OPEN, trip, now);
  }

  /**
   * Time window: the counts at the start of the window whose newest bucket is
   * `b`, into c0/f0/s0: the CLOSED epoch's base if it is inside the window,
   * else the oldest bucket snapshot in it. Kept per thread for the window's
   * oldest bucket and epoch (snapshots do not change once written), so the
   * scan runs once per bucket. False while the epoch's base is being written.
   */
  private windowStart(s: number, b: number): boolean {
    const oldest = b - this.windowSize + 1;
    if (this.startState === s && this.startOldest === oldest) return true;
    const i32 = this.i32;
    if (Atomics.load(i32, this.baseTag) !== s >>> 3) return false;
    if (((i32[this.baseBucket] - oldest) | 0) >= 0) {
      this.c0 = i32[this.baseCum];
      this.f0 = i32[this.baseFail];
      this.s0 = i32[this.baseSlow];
    } else {
      let j = oldest < 0 ? 0 : oldest;
      for (; j <= b; j++) {
        const q = this.win + (j % this.windowSize) * 4;
        if (Atomics.load(i32, q) === (j & 0x7fffffff)) {
          this.c0 = i32[q + 1];
          this.f0 = i32[q + 2];
          this.s0 = i32[q + 3];
          break;
        }
      }
      // No snapshot in the window: no call was recorded in it before this one.
      if (j > b) return false;
    }
    this.startState = s;
    this.startOldest = oldest;
    return true;
  }

  /**
   * Why the measured window must trip (a TransitionReason), or 0. Takes no
   * time argument: passing a double to a call that is not inlined boxes it.
   */
  private verdict(): number {
    const calls = this.wCalls;
    if (calls < this.i32[this.minCallsAt]) return 0;
    if (this.wFails * 100 >= this.f64[this.cfgF + (Config.failPct >> 3)] * calls) return TransitionReason.FAILURE_RATE;
    if (this.wSlow * 100 >= this.f64[this.cfgF + (Config.slowPct >> 3)] * calls) return TransitionReason.SLOW_CALL_RATE;
    return 0;
  }

  /** A probe's outcome: a failed or slow probe reopens at once; the N-th success closes. */
  private recordProbe(s: number, outcome: number, nowNs: number | undefined): void {
    if (outcome !== Outcome.SUCCESS) {
      this.transition(s, BreakerState.OPEN, TransitionReason.PROBE_FAILED, nowNs);
      return;
    }
    const tag = (s >>> 3) & TAG_MASK;
    let ok: number;
    for (;;) {
      const w = Atomics.load(this.i32, this.probeOk);
      const wt = w >>> 10;
      if (wt === tag) ok = (w & 1023) + 1;
      else if (((tag - wt) & TAG_MASK) < TAG_HALF) ok = 1;
      else return;
      if (Atomics.compareExchange(this.i32, this.probeOk, w, (tag << 10) | ok) === w) break;
    }
    if (ok >= this.i32[this.cfgI + (Config.halfOpenPermits >> 2)]) {
      this.transition(s, BreakerState.CLOSED, TransitionReason.PROBES_SUCCEEDED, nowNs);
    }
  }

  /**
   * Moves from state word `from` to `to` if nobody moved it first. The winner
   * writes what the new state needs (deadline, window base) and a log entry,
   * each published by a tag store after the data.
   */
  private transition(from: number, to: number, reason: number, nowNs: number | undefined): boolean {
    const e = ((from >>> 3) + 1) & EPOCH_MASK;
    if (Atomics.compareExchange(this.i32, this.st, from, (e << 3) | to) !== from) return false;
    const i32 = this.i32;
    const f64 = this.f64;
    const now = nowNs === undefined ? this.clock.nowNs() : nowNs;
    let attempt = i32[this.attempt];
    let waitNs = 0;
    if (to === BreakerState.OPEN) {
      attempt = (from & STATE_MASK) === BreakerState.HALF_OPEN ? attempt + 1 : 1;
      const c = this.cfgF;
      waitNs = Math.min(f64[c + (Config.waitNs >> 3)] * Math.pow(f64[c + (Config.multiplier >> 3)], attempt - 1), f64[c + (Config.maxWaitNs >> 3)]);
      i32[this.attempt] = attempt;
      f64[this.deadlineNs] = now + waitNs;
      Atomics.add(i32, this.opens, 1);
      Atomics.store(i32, this.deadlineTag, e);
    } else if (to === BreakerState.HALF_OPEN) {
      const max = f64[this.cfgF + (Config.halfOpenMaxNs >> 3)];
      if (max > 0) {
        f64[this.deadlineNs] = now + max;
        Atomics.store(i32, this.deadlineTag, e);
      }
    } else if (to === BreakerState.CLOSED) {
      attempt = 0;
      i32[this.attempt] = 0;
      if (!this.timeWindow) {
        // Calls from here on count towards the minimum; the sweep then empties the slots.
        i32[this.baseCum] = Atomics.load(i32, this.seq);
        this.sweepCountWindow();
      } else {
        i32[this.baseCum] = Atomics.load(i32, this.cum);
        i32[this.baseFail] = Atomics.load(i32, this.cumFail);
        i32[this.baseSlow] = Atomics.load(i32, this.cumSlow);
        i32[this.baseBucket] = Math.floor(now / f64[this.cfgF + (Config.bucketNs >> 3)]) | 0;
      }
      Atomics.store(i32, this.baseTag, e);
    }

    const entry = this.log + ((e & LOG_MASK) * LOG_ENTRY_BYTES) / 4;
    Atomics.store(i32, entry, -1);
    i32[entry + LogEntry.state / 4] = to;
    i32[entry + LogEntry.reason / 4] = reason;
    const calls = this.wCalls;
    const measured = reason === TransitionReason.FAILURE_RATE || reason === TransitionReason.SLOW_CALL_RATE;
    i32[entry + LogEntry.calls / 4] = measured ? calls : 0;
    i32[entry + LogEntry.failBp / 4] = measured ? Math.round((this.wFails * 10000) / calls) : 0;
    i32[entry + LogEntry.slowBp / 4] = measured ? Math.round((this.wSlow * 10000) / calls) : 0;
    i32[entry + LogEntry.attempt / 4] = attempt;
    i32[entry + LogEntry.waitMs / 4] = Math.round(waitNs / 1e6);
    f64[(entry >> 1) + LogEntry.timeNs / 8] = now;
    Atomics.store(i32, entry, e);
    return true;
  }

  /** Operator / kill: OPEN until reset(), whatever the window says. */
  forceOpen(nowNs?: number): void {
    this.moveTo(BreakerState.FORCED_OPEN, TransitionReason.FORCED_OPEN, nowNs);
  }

  /** Always allows, records nothing, never trips. */
  disable(nowNs?: number): void {
    this.moveTo(BreakerState.DISABLED, TransitionReason.DISABLED, nowNs);
  }

  /** CLOSED with an empty window and the backoff reset. */
  reset(nowNs?: number): void {
    for (;;) {
      const s = Atomics.load(this.i32, this.st);
      if (this.transition(s, BreakerState.CLOSED, TransitionReason.RESET, nowNs)) return;
    }
  }

  private moveTo(to: number, reason: number, nowNs: number | undefined): void {
    for (;;) {
      const s = Atomics.load(this.i32, this.st);
      if ((s & STATE_MASK) === to) return;
      if (this.transition(s, to, reason, nowNs)) return;
    }
  }

  /** The current state (BreakerState). */
  state(): BreakerState {
    return (Atomics.load(this.i32, this.st) & STATE_MASK) as BreakerState;
  }

  /** The raw state word (epoch << 3 | state): changes on every transition. */
  stateWord(): number {
    return Atomics.load(this.i32, this.st);
  }

  /** Transitions into OPEN since the board was created. */
  openCount(): number {
    return Atomics.load(this.i32, this.opens);
  }

  /** Consecutive opens since the last CLOSED (the backoff exponent). */
  backoffAttempt(): number {
    return Atomics.load(this.i32, this.attempt);
  }

  /** When OPEN: the time after which the next allow() probes; NaN otherwise. */
  openUntilNs(): number {
    const s = Atomics.load(this.i32, this.st);
    if ((s & STATE_MASK) !== BreakerState.OPEN || Atomics.load(this.i32, this.deadlineTag) !== s >>> 3) return NaN;
    return this.f64[this.deadlineNs];
  }

  /** The current window's call count and rates, for metrics (main, once per tick; allocates). */
  windowStats(nowNs?: number): WindowStats {
    const s = Atomics.load(this.i32, this.st);
    if ((s & STATE_MASK) !== BreakerState.CLOSED || !this.measureNow(s, nowNs)) return { calls: 0, failureRate: 0, slowCallRate: 0 };
    const c = this.wCalls;
    return { calls: c, failureRate: c ? (this.wFails * 100) / c : 0, slowCallRate: c ? (this.wSlow * 100) / c : 0 };
  }

  private measureNow(s: number, nowNs: number | undefined): boolean {
    const i32 = this.i32;
    if (Atomics.load(i32, this.baseTag) !== s >>> 3) return false;
    if (!this.timeWindow) {
      const agg = Atomics.load(i32, this.agg);
      const n = this.windowSize;
      const since = (Atomics.load(i32, this.seq) - i32[this.baseCum]) >>> 0;
      const fails = (agg << 16) >> 16;
      this.wCalls = since < n ? since : n;
      this.wFails = fails;
      this.wSlow = (agg - fails) >> 16;
      return true;
    }
    const now = nowNs === undefined ? this.clock.nowNs() : nowNs;
    const b = Math.floor(now / this.f64[this.cfgF + (Config.bucketNs >> 3)]);
    if (!this.windowStart(s, b)) {
      this.wCalls = this.wFails = this.wSlow = 0;
      return true;
    }
    // Failures and slow calls before calls, as in recordTime().
    const fails = (Atomics.load(i32, this.cumFail) - this.f0) | 0;
    const slow = (Atomics.load(i32, this.cumSlow) - this.s0) | 0;
    const dc = clampCount((Atomics.load(i32, this.cum) - this.c0) | 0, 0x7fffffff);
    this.wCalls = dc;
    this.wFails = clampCount(fails, dc);
    this.wSlow = clampCount(slow, dc);
    return true;
  }
}
