/**
 * Main's view of the position board (core/risk/position-board.ts): each
 * symbol's row with its unrealized PnL marked to the reference mid, and the
 * account's totals. Read on demand (operator commands, the summary, the
 * table's risk column), never on a worker's path.
 */
import { PositionBoardReader } from '../../core/risk/position-board.js';

export interface SymbolPosition {
  symbol: string;
  position: number;
  avgPrice: number;
  realizedPnl: number;
  /** (refMid - avgPrice) * position; 0 when flat or before the first tick. */
  unrealizedPnl: number;
  refMid: number | null;
  openOrders: number;
  openNotional: number;
  /** The row stayed mid-write (its worker died while writing it): values may mix two versions. */
  torn?: true;
}

export interface PositionTotals {
  /** Symbols with a position, open orders or realized PnL. */
  symbols: number;
  realizedPnl: number;
  unrealizedPnl: number;
  /** Sum of |position| * refMid. */
  grossNotional: number;
  openOrders: number;
  openNotional: number;
}

const cents = (x: number): number => Math.round(x * 100) / 100;

export class PositionsView {
  private readonly reader: PositionBoardReader;

  constructor(
    board: SharedArrayBuffer,
    private readonly names: readonly string[],
  ) {
    this.reader = new PositionBoardReader(board);
  }

  /** Every symbol with a position, open orders or realized PnL, and the totals over them. */
  snapshot(): { symbols: SymbolPosition[]; totals: PositionTotals } {
    const symbols: SymbolPosition[] = [];
    const totals: PositionTotals = { symbols: 0, realizedPnl: 0, unrealizedPnl: 0, grossNotional: 0, openOrders: 0, openNotional: 0 };
    for (let s = 0; s < this.reader.symbols; s++) {
      const r = this.reader.read(s);
      if (r.position === 0 && r.openOrders === 0 && r.realizedPnl === 0) continue;
      const marked = Number.isFinite(r.refMid);
      const unrealized = marked && r.position !== 0 ? (r.refMid - r.avgPrice) * r.position : 0;
      symbols.push({
        symbol: this.names[s], position: r.position, avgPrice: r.avgPrice, realizedPnl: cents(r.realizedPnl), unrealizedPnl: cents(unrealized),
        refMid: marked ? r.refMid : null, openOrders: r.openOrders, openNotional: cents(r.openNotional), ...(r.torn ? { torn: true as const } : {}),
      });
      totals.symbols++;
      totals.realizedPnl += r.realizedPnl;
      totals.unrealizedPnl += unrealized;
      totals.grossNotional += marked ? Math.abs(r.position) * r.refMid : 0;
      totals.openOrders += r.openOrders;
      totals.openNotional += r.openNotional;
    }
    for (const k of ['realizedPnl', 'unrealizedPnl', 'grossNotional', 'openNotional'] as const) totals[k] = cents(totals[k]);
    return { symbols, totals };
  }
}
