/**
 * The account's trading mode and global kill switch: one int32, the `trading`
 * word on the trading line of the breaker board (layout in breaker-layout.ts).
 *
 *   bits 0-1   configured mode: ACTIVE, REDUCING (only orders that shrink the
 *              position) or HALTED (none). Written by main from the limits config.
 *   bits 8-15  kill reason, 0 = not killed. Set once by whichever thread trips
 *              the kill switch first (operator, daily loss limit, supervisor);
 *              cleared only by main (release()); main may replace the reason (force()).
 *
 * A worker's check is one plain read of the word: word === ACTIVE, word === REDUCING, or
 * anything else means HALTED, so a kill reaches every worker at once, in the
 * order check that follows the store.
 */
import { Header, attachBreakerBoard } from './breaker-layout.js';
import type { NanoClock } from './circuit-breaker.js';
import { VENUE_COUNT } from '../venue/venue.js';

export const TradingMode = { ACTIVE: 0, REDUCING: 1, HALTED: 2 } as const;
export type TradingMode = (typeof TradingMode)[keyof typeof TradingMode];
export const TRADING_MODE_NAMES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingModeName = (typeof TRADING_MODE_NAMES)[number];

export const KillReason = { OPERATOR: 1, DAILY_LOSS: 2, SUPERVISOR: 3 } as const;
export const KILL_REASON_NAMES: readonly string[] = ['', 'operator', 'daily-loss-limit', 'supervisor'];

const MODE_MASK = 3;
const KILL_SHIFT = 8;
const KILL_MASK = 0xff << KILL_SHIFT;

/** What can trip the kill switch (the exposure ledger's view of TradingState). */
export interface KillSwitch {
  /** Trips the kill switch; true if this call tripped it, false if it already was. */
  trip(reason: number, nowNs?: number): boolean;
}

export class TradingState implements KillSwitch {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  /**
   * Per venue id: until when (shared-clock ns) the venue told its gateway to stop sending (429 / 418
   * Retry-After); workers reject that venue's orders RATE_LIMITED meanwhile. Writer: the venue's gateway only.
   */
  readonly backoffUntilNs: Float64Array;

  constructor(
    board: SharedArrayBuffer,
    private readonly clock: NanoClock,
  ) {
    attachBreakerBoard(board);
    this.i32 = new Int32Array(board);
    this.f64 = new Float64Array(board);
    this.backoffUntilNs = new Float64Array(board, Header.backoffUntilNsF64 * 8, VENUE_COUNT);
  }

  /** Effective mode for the order check: ACTIVE, REDUCING or HALTED (configured HALTED, or killed). */
  mode(): TradingMode {
    // Plain read, as a breaker's allow(): the mode is the only thing read, so its value is all
    // that matters, and an Atomics.load (~15 ns here) would order nothing more.
    const w = this.i32[Header.trading];
    return (w <= TradingMode.REDUCING ? w : TradingMode.HALTED) as TradingMode;
  }

  /** The mode main configured, ignoring the kill switch. */
  configured(): TradingMode {
    return (Atomics.load(this.i32, Header.trading) & MODE_MASK) as TradingMode;
  }

  /** Main: sets the configured mode, keeping any kill. */
  setConfigured(mode: TradingMode): void {
    for (;;) {
      const w = Atomics.load(this.i32, Header.trading);
      if (Atomics.compareExchange(this.i32, Header.trading, w, (w & KILL_MASK) | mode) === w) return;
    }
  }

  trip(reason: number, nowNs?: number): boolean {
    if (!(reason >= 1 && reason <= 0xff)) throw new RangeError(`kill reason must be 1..255, got ${reason}`);
    for (;;) {
      const w = Atomics.load(this.i32, Header.trading);
      if ((w & KILL_MASK) !== 0) return false;
      if (Atomics.compareExchange(this.i32, Header.trading, w, w | (reason << KILL_SHIFT)) === w) {
        this.f64[Header.killedAtNsF64] = nowNs === undefined ? this.clock.nowNs() : nowNs;
        return true;
      }
    }
  }

  /**
   * Main: puts the kill switch in force with `reason`, replacing the reason of a kill already in
   * force: an operator's kill must outlast the daily-loss kill it lands on, which the day roll
   * releases. Returns the reason it replaced, 0 when the switch was not tripped.
   */
  force(reason: number, nowNs?: number): number {
    if (!(reason >= 1 && reason <= 0xff)) throw new RangeError(`kill reason must be 1..255, got ${reason}`);
    for (;;) {
      const w = Atomics.load(this.i32, Header.trading);
      if (Atomics.compareExchange(this.i32, Header.trading, w, (w & MODE_MASK) | (reason << KILL_SHIFT)) !== w) continue;
      const was = (w & KILL_MASK) >>> KILL_SHIFT;
      if (was === 0) this.f64[Header.killedAtNsF64] = nowNs === undefined ? this.clock.nowNs() : nowNs;
      return was;
    }
  }

  /** Main / operator: clears the kill switch; the configured mode applies again. True if it was tripped. */
  release(): boolean {
    for (;;) {
      const w = Atomics.load(this.i32, Header.trading);
      if ((w & KILL_MASK) === 0) return false;
      if (Atomics.compareExchange(this.i32, Header.trading, w, w & MODE_MASK) === w) return true;
    }
  }

  /** KillReason of the trip in force, 0 when not killed. */
  killReason(): number {
    return (Atomics.load(this.i32, Header.trading) & KILL_MASK) >>> KILL_SHIFT;
  }

  /** When the kill switch in force was tripped (monotonic ns); meaningful while killReason() != 0. */
  killedAtNs(): number {
    return this.f64[Header.killedAtNsF64];
  }
}
