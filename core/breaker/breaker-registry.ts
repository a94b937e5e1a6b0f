/**
 * One circuit breaker per exchange (index = VenueId) plus the global kill
 * switch, all on one breaker board (breaker-layout.ts). Main creates the board;
 * every thread attaches with `new BreakerRegistry(board, clock)` and gets views
 * of the same shared words.
 */
import { VENUE_NAMES, type VenueName } from '../venue/venue.js';
import { TradingState } from './trading-state.js';
import { blockOffset, boardBreakerCount, createBreakerBoard, writeBreakerConfig } from './breaker-layout.js';
import { breakerLayoutDiffers, type BreakerSettings } from './breaker-settings.js';
import { CircuitBreaker, type NanoClock } from './circuit-breaker.js';

export type VenueBreakerSettings = Record<VenueName, BreakerSettings>;

/** Main: a fresh board, every breaker CLOSED, trading ACTIVE, kill switch off. */
export function createBreakerRegistry(settings: VenueBreakerSettings): SharedArrayBuffer {
  return createBreakerBoard(VENUE_NAMES.map((v) => settings[v]));
}

export class BreakerRegistry {
  /** Index = VenueId. */
  readonly breakers: readonly CircuitBreaker[];
  /** Trading mode and the global kill switch. */
  readonly trading: TradingState;

  constructor(
    readonly board: SharedArrayBuffer,
    clock: NanoClock,
  ) {
    const n = boardBreakerCount(board);
    if (n !== VENUE_NAMES.length) throw new RangeError(`board has ${n} breakers, expected one per venue (${VENUE_NAMES.length})`);
    this.breakers = VENUE_NAMES.map((_, i) => new CircuitBreaker(board, i, clock));
    this.trading = new TradingState(board, clock);
  }

  breaker(venue: number): CircuitBreaker {
    return this.breakers[venue];
  }

  /**
   * Main: applies new settings to a running breaker (thresholds, minimum calls,
   * backoff, permits, window length within the same ring). Throws when the
   * window's layout would change; the caller validates that first with
   * breakerLayoutDiffers().
   */
  applySettings(venue: number, previous: BreakerSettings, next: BreakerSettings): void {
    if (breakerLayoutDiffers(previous, next)) throw new RangeError(`breaker ${VENUE_NAMES[venue]}: window type or size needs a restart`);
    writeBreakerConfig(this.board, blockOffset(this.board, venue), next);
  }
}
