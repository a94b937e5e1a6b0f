/**
 * Sequence checks of a feed connection: a venue's numbering of its messages
 * (Coinbase sequence_num: one counter for the connection) or of each
 * symbol's updates (Binance bookTicker "u" and trade "t", Kraken trade_id).
 * A number at or below the last one is OUT_OF_ORDER (a repeat or a replay:
 * the tick is dropped); a jump beyond last + 1 is a GAP (messages were lost:
 * counted and logged, the tick is kept) unless only monotonicity is checked.
 * Everything resets when the connection does: numbering restarts, and what
 * was lost while disconnected is not a gap.
 * Sequence numbers arrive in Float64Arrays (no boxing) and are integers < 2^53.
 */
export const SeqCheck = { OK: 0, GAP: 1, OUT_OF_ORDER: 2 } as const;

export const SeqStream = { BOOK: 0, TRADE: 1 } as const;

export class SequenceTracker {
  /** Last number per symbol and stream: [symbol * 2 + stream]; NaN = none yet. */
  private readonly last: Float64Array;
  private readonly connection = new Float64Array([NaN]);
  /** The last gap: expected and received numbers, for the log. */
  readonly gap = new Float64Array(2);

  constructor(
    maxSymbolId: number,
    private readonly contiguous: boolean,
  ) {
    this.last = new Float64Array((maxSymbolId + 1) * 2).fill(NaN);
  }

  reset(): void {
    this.last.fill(NaN);
    this.connection[0] = NaN;
  }

  /** Checks seq[at] for symbol and stream (SeqStream). */
  checkSymbol(symbol: number, stream: number, seq: Float64Array, at: number): number {
    return this.check(this.last, symbol * 2 + stream, seq[at]);
  }

  /** Checks the connection-wide number seq[at]. */
  checkConnection(seq: Float64Array, at: number): number {
    return this.check(this.connection, 0, seq[at]);
  }

  private check(last: Float64Array, k: number, s: number): number {
    const prev = last[k];
    if (prev !== prev) {
      last[k] = s;
      return SeqCheck.OK;
    }
    if (s <= prev) return SeqCheck.OUT_OF_ORDER;
    last[k] = s;
    if (this.contiguous && s !== prev + 1) {
      this.gap[0] = prev + 1;
      this.gap[1] = s;
      return SeqCheck.GAP;
    }
    return SeqCheck.OK;
  }
}
