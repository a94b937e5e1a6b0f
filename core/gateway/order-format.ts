/**
 * An engine order (plain numbers) as the venue wants it: the symbol's venue
 * name, price and quantity put on the symbol's tick and lot grid and written
 * with exactly the grid's decimals ("100.00", "0.50000"). Rounding never
 * goes beyond what risk approved: quantity down, a buy's price down, a
 * sell's price up; a value within a millionth of a step of the grid is only
 * float noise (0.1 + 0.2) and goes to the nearest step.
 */
import { OrderType, Side } from '../../ipc/frame-layout.js';
import type { GatewaySymbol } from './gateway-options.js';

/** Decimals of a grid step, e.g. 0.01 -> 2, 1e-8 -> 8, 0.05 -> 2. */
export function stepDecimals(step: number): number {
  const s = step.toString();
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2)) + Math.max(0, s.slice(0, e).replace('.', '').length - 1);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** `value` on the grid of `step`: the nearest multiple within float noise, else down (or up). */
export function onGrid(value: number, step: number, up: boolean): number {
  const n = value / step;
  const r = Math.round(n);
  const k = Math.abs(n - r) < 1e-6 ? r : up ? Math.ceil(n) : Math.floor(n);
  return k * step;
}

export class OrderFormat {
  /** Set by format(): the texts of the last order formatted. */
  price = '';
  qty = '';
  private readonly priceDecimals: number[];
  private readonly qtyDecimals: number[];

  constructor(private readonly symbols: readonly GatewaySymbol[]) {
    this.priceDecimals = symbols.map((s) => stepDecimals(s.tickSize));
    this.qtyDecimals = symbols.map((s) => stepDecimals(s.lotStep));
  }

  venueSymbol(symbol: number): string {
    return this.symbols[symbol].venueSymbol;
  }

  /** Formats into `price` / `qty`; false when the order cannot go (unknown symbol, bad side or type, nothing left after rounding). */
  format(symbol: number, side: number, type: number, price: number, qty: number): boolean {
    const sym = this.symbols[symbol];
    if (sym === undefined || (side !== Side.Buy && side !== Side.Sell) || (type !== OrderType.Limit && type !== OrderType.Market)) return false;
    const q = onGrid(qty, sym.lotStep, false);
    if (!(q > 0)) return false;
    this.qty = q.toFixed(this.qtyDecimals[symbol]);
    if (type === OrderType.Market) {
      this.price = '';
      return true;
    }
    const p = onGrid(price, sym.tickSize, side === Side.Sell);
    if (!(p > 0)) return false;
    this.price = p.toFixed(this.priceDecimals[symbol]);
    return true;
  }
}
