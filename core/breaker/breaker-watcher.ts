/**
 * Main's view of the breaker board: once per metrics tick it reads each
 * breaker's state word (and the trading word); when an epoch moved it reads
 * the transition log entries the winners wrote, so every transition is logged
 * with its cause even when several happened between two ticks. No callback or
 * message crosses a thread: workers only write shared words.
 */
import type { Logger } from 'pino';
import { VENUE_NAMES } from '../venue/venue.js';
import { KILL_REASON_NAMES } from './trading-state.js';
import {
  Block,
  BREAKER_STATE_NAMES,
  BreakerState,
  EPOCH_MASK,
  Header,
  LOG_ENTRIES,
  LOG_ENTRY_BYTES,
  LOG_MASK,
  LogEntry,
  STATE_MASK,
  TRANSITION_REASON_NAMES,
  blockOffset,
} from './breaker-layout.js';
import type { BreakerRegistry } from './breaker-registry.js';

export interface BreakerEvent {
  /** Venue name, or 'kill' for the global kill switch. */
  breaker: string;
  from: string;
  to: string;
  reason: string;
  epoch: number;
  timeNs: number;
  /** Window at the trip (failure- or slow-rate transitions only). */
  calls?: number;
  failureRatePct?: number;
  slowCallRatePct?: number;
  /** OPEN: consecutive opens and the backoff before the next probe. */
  attempt?: number;
  waitMs?: number;
  /** Transitions before this one whose log entries were overwritten before this poll. */
  missed?: number;
}

export class BreakerWatcher {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly logBase: number[];
  private readonly lastEpoch: number[];
  private readonly lastState: number[];
  private lastKill: number;

  constructor(private readonly registry: BreakerRegistry) {
    this.i32 = new Int32Array(registry.board);
    this.f64 = new Float64Array(registry.board);
    this.logBase = registry.breakers.map((_, i) => (blockOffset(registry.board, i) + Block.log) >> 2);
    const words = registry.breakers.map((b) => b.stateWord());
    this.lastEpoch = words.map((w) => w >>> 3);
    this.lastState = words.map((w) => w & STATE_MASK);
    this.lastKill = registry.trading.killReason();
  }

  /** Transitions since the last poll, oldest first per breaker. */
  poll(): BreakerEvent[] {
    const out: BreakerEvent[] = [];
    this.registry.breakers.forEach((b, i) => {
      const target = b.stateWord() >>> 3;
      let behind = (target - this.lastEpoch[i]) & EPOCH_MASK;
      let missed = 0;
      if (behind > LOG_ENTRIES) {
        missed = behind - LOG_ENTRIES;
        this.lastEpoch[i] = (target - LOG_ENTRIES) & EPOCH_MASK;
        behind = LOG_ENTRIES;
      }
      for (let k = 0; k < behind; k++) {
        const epoch = (this.lastEpoch[i] + 1) & EPOCH_MASK;
        const ev = this.readEntry(i, epoch);
        if (ev === undefined) {
          if (epoch === target) break; // its winner is still writing it: next tick
          missed++;
          this.lastEpoch[i] = epoch;
          continue;
        }
        ev.from = BREAKER_STATE_NAMES[this.lastState[i]];
        if (missed) ev.missed = missed;
        missed = 0;
        out.push(ev);
        this.lastEpoch[i] = epoch;
        this.lastState[i] = BREAKER_STATE_NAMES.indexOf(ev.to as (typeof BREAKER_STATE_NAMES)[number]);
      }
    });
    const kill = this.registry.trading.killReason();
    if (kill !== this.lastKill) {
      out.push({
        breaker: 'kill',
        from: this.lastKill ? 'FORCED_OPEN' : 'CLOSED',
        to: kill ? 'FORCED_OPEN' : 'CLOSED',
        reason: kill ? KILL_REASON_NAMES[kill] ?? `reason ${kill}` : 'released',
        epoch: 0,
        timeNs: kill ? this.f64[Header.killedAtNsF64] : NaN,
      });
      this.lastKill = kill;
    }
    return out;
  }

  /** One log entry, or undefined when it does not (yet) hold `epoch` whole. */
  private readEntry(breaker: number, epoch: number): BreakerEvent | undefined {
    const e = this.logBase[breaker] + ((epoch & LOG_MASK) * LOG_ENTRY_BYTES) / 4;
    const i32 = this.i32;
    // Seqlock-style: the tag before and after the plain reads must both name this epoch.
    if (Atomics.load(i32, e) !== epoch) return undefined;
    const to = i32[e + LogEntry.state / 4];
    const reason = i32[e + LogEntry.reason / 4];
    const calls = i32[e + LogEntry.calls / 4];
    const failBp = i32[e + LogEntry.failBp / 4];
    const slowBp = i32[e + LogEntry.slowBp / 4];
    const attempt = i32[e + LogEntry.attempt / 4];
    const waitMs = i32[e + LogEntry.waitMs / 4];
    const timeNs = this.f64[(e >> 1) + LogEntry.timeNs / 8];
    if (Atomics.load(i32, e) !== epoch) return undefined;
    const ev: BreakerEvent = {
      breaker: VENUE_NAMES[breaker],
      from: '',
      to: BREAKER_STATE_NAMES[to] ?? `state ${to}`,
      reason: TRANSITION_REASON_NAMES[reason] ?? `reason ${reason}`,
      epoch,
      timeNs,
    };
    if (calls > 0) {
      ev.calls = calls;
      ev.failureRatePct = failBp / 100;
      ev.slowCallRatePct = slowBp / 100;
    }
    if (to === BreakerState.OPEN) {
      ev.attempt = attempt;
      ev.waitMs = waitMs;
    }
    return ev;
  }

  /** Polls and logs every transition: OPEN and kill at warn, the rest at info. */
  logTransitions(logger: Logger): BreakerEvent[] {
    const events = this.poll();
    for (const ev of events) {
      const msg = `breaker ${ev.breaker} ${ev.from} -> ${ev.to} (${ev.reason})`;
      if (ev.to === 'OPEN' || ev.to === 'FORCED_OPEN') logger.warn({ breakerEvent: ev }, msg);
      else logger.info({ breakerEvent: ev }, msg);
    }
    return events;
  }

  /** For the metrics line: `binance=CLOSED coinbase=OPEN kraken=CLOSED kill=off`. */
  summary(): string {
    const parts = this.registry.breakers.map((b, i) => `${VENUE_NAMES[i]}=${BREAKER_STATE_NAMES[b.state()]}`);
    const kill = this.registry.trading.killReason();
    parts.push(`kill=${kill ? KILL_REASON_NAMES[kill] || kill : 'off'}`);
    return parts.join(' ');
  }

  /** For JSON metrics: state name per breaker and the kill switch. */
  states(): Record<string, string> {
    const out: Record<string, string> = {};
    this.registry.breakers.forEach((b, i) => (out[VENUE_NAMES[i]] = BREAKER_STATE_NAMES[b.state()]));
    out.kill = this.registry.trading.killReason() ? 'FORCED_OPEN' : 'CLOSED';
    return out;
  }
}
