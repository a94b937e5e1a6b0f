/**
 * The risk bench's baseline: the same pre-trade check list written the usual
 * way, with order objects, string ids and enums, Maps keyed by symbol name
 * and client order id, per-symbol arrays of live orders, result objects.
 * Single-threaded (no shared state): it is a cost floor for that style.
 */
import type { LimitsConfig } from '../core/config/limits-config.js';
import type { Instrument } from '../core/instruments/instrument.js';

export interface NaiveOrder {
  clientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'LIMIT' | 'MARKET';
  price: number;
  quantity: number;
  reduceOnly: boolean;
  venue: string;
}

interface SymbolState { position: number; avg: number; openBuy: number; openSell: number; openOrders: number; openNotional: number; live: NaiveOrder[] }
interface Live { order: NaiveOrder; valuedAt: number; reserved: number }

const onGrid = (v: number, step: number) => Math.abs(v / step - Math.round(v / step)) <= 1e-9 * Math.max(1, Math.round(v / step));

export class NaiveRisk {
  private readonly instruments = new Map<string, Instrument>();
  private readonly refs = new Map<string, { last: number; at: number }>();
  private readonly states = new Map<string, SymbolState>();
  private readonly live = new Map<string, Live>();
  private readonly breakers = new Map<string, { state: string }>([['binance', { state: 'CLOSED' }]]);
  private readonly bucket = { tokens: 16_000_000, at: Date.now() };
  private tradingState = 'ACTIVE';
  private exposure = 0;
  private dailyPnl = 0;

  constructor(
    universe: readonly Instrument[],
    private readonly config: LimitsConfig,
  ) {
    for (const i of universe) {
      this.instruments.set(i.name, i);
      this.states.set(i.name, { position: 0, avg: 0, openBuy: 0, openSell: 0, openOrders: 0, openNotional: 0, live: [] });
    }
  }

  /** A trade at `last`, received at `at` (Date.now() ms). */
  tick(symbol: string, last: number, at: number): void {
    if (last === last) this.refs.set(symbol, { last, at });
  }

  reference(symbol: string): number {
    return this.refs.get(symbol)?.last ?? NaN;
  }

  private limits(symbol: string) {
    return { ...this.config.symbolDefaults, ...this.config.symbols[symbol] };
  }

  private reduces(st: SymbolState, o: NaiveOrder): boolean {
    return o.side === 'BUY' ? st.position < 0 && st.position + st.openBuy + o.quantity <= 0 : st.position > 0 && st.position - st.openSell - o.quantity >= 0;
  }

  check(o: NaiveOrder): { ok: boolean; reason: string } {
    const reject = (reason: string) => ({ ok: false, reason });
    if (this.tradingState === 'HALTED') return reject('TRADING_HALTED');
    const ins = this.instruments.get(o.symbol);
    const st = this.states.get(o.symbol);
    if (!ins || !st) return reject('UNKNOWN_SYMBOL');
    if (this.tradingState === 'REDUCING' && !this.reduces(st, o)) return reject('REDUCE_ONLY_MODE');
    if (this.breakers.get(o.venue)?.state !== 'CLOSED') return reject('CIRCUIT_OPEN');
    if (!ins.trading) return reject('SYMBOL_NOT_TRADING');
    const lim = this.limits(o.symbol);
    if (!lim.enabled) return reject('SYMBOL_DISABLED');
    if (o.type === 'LIMIT' && !(o.price > 0 && Number.isFinite(o.price))) return reject('PRICE_INVALID');
    if (o.type === 'LIMIT' && !onGrid(o.price, ins.tickSize)) return reject('PRICE_OFF_TICK');
    if (!(o.quantity > 0 && Number.isFinite(o.quantity))) return reject('QTY_INVALID');
    if (!onGrid(o.quantity, ins.lotStep)) return reject('QTY_OFF_STEP');
    if (o.quantity < ins.minQty) return reject('QTY_BELOW_MIN');
    if (o.quantity > ins.maxQty) return reject('QTY_ABOVE_MAX');
    const ref = this.refs.get(o.symbol);
    if (!ref) return reject('NO_REFERENCE_PRICE');
    const valuedAt = o.type === 'MARKET' ? ref.last : o.price;
    const notional = valuedAt * o.quantity;
    if (notional > lim.maxOrderNotional) return reject('NOTIONAL_ABOVE_MAX');
    if (Date.now() - ref.at > lim.maxReferenceAgeMs) return reject('MARKET_DATA_STALE');
    if (o.type === 'LIMIT' && Math.abs(o.price - ref.last) > (lim.collarBps / 10_000) * ref.last) return reject('PRICE_OUTSIDE_COLLAR');
    const worst = o.side === 'BUY' ? st.position + st.openBuy + o.quantity : -(st.position - st.openSell - o.quantity);
    if (worst > lim.maxPosition) return reject('POSITION_LIMIT');
    if (st.openOrders + 1 > lim.maxOpenOrders) return reject('OPEN_ORDERS_LIMIT');
    if (st.openNotional + notional > lim.maxOpenNotional) return reject('OPEN_NOTIONAL_LIMIT');
    const reducing = this.reduces(st, o);
    const reserve = reducing ? 0 : Math.ceil(notional);
    if (this.exposure + reserve > this.config.account.grossExposureLimit) return reject('GROSS_EXPOSURE_LIMIT');
    this.exposure += reserve;
    const undo = (reason: string) => {
      this.exposure -= reserve;
      return reject(reason);
    };
    if (this.config.account.dailyLossLimit > 0 && this.dailyPnl <= -this.config.account.dailyLossLimit) return undo('DAILY_LOSS_LIMIT');
    const crosses = st.live.some((r) =>
      r.side !== o.side && r.type === 'LIMIT' && (o.type === 'MARKET' ? false : o.side === 'BUY' ? o.price >= r.price : o.price <= r.price),
    );
    if (crosses) return undo('SELF_TRADE');
    if (this.live.has(o.clientOrderId)) return undo('DUPLICATE_CLIENT_ID');
    if (o.reduceOnly && !reducing) return undo('REDUCE_ONLY_VIOLATION');
    const now = Date.now();
    this.bucket.tokens = Math.min(16_000_000, this.bucket.tokens + (now - this.bucket.at) * 16_000);
    this.bucket.at = now;
    if (this.bucket.tokens < 1) return undo('RATE_LIMITED');
    this.bucket.tokens--;
    this.live.set(o.clientOrderId, { order: o, valuedAt, reserved: reserve });
    st.live.push(o);
    st.openOrders++;
    st.openNotional += notional;
    if (o.side === 'BUY') st.openBuy += o.quantity;
    else st.openSell += o.quantity;
    return { ok: true, reason: 'ACCEPTED' };
  }

  fill(clientOrderId: string, qty: number, price: number): void {
    const l = this.live.get(clientOrderId);
    if (!l) return;
    this.live.delete(clientOrderId);
    const o = l.order;
    const st = this.states.get(o.symbol)!;
    st.live = st.live.filter((x) => x !== o);
    st.openOrders--;
    st.openNotional -= l.valuedAt * o.quantity;
    if (o.side === 'BUY') st.openBuy -= o.quantity;
    else st.openSell -= o.quantity;
    const signed = o.side === 'BUY' ? qty : -qty;
    const old = st.position;
    if (old !== 0 && Math.sign(old) !== Math.sign(signed)) {
      const closed = Math.min(qty, Math.abs(old));
      this.dailyPnl += (old > 0 ? price - st.avg : st.avg - price) * closed;
      if (qty > Math.abs(old)) st.avg = price;
    } else st.avg = (st.avg * Math.abs(old) + price * qty) / (Math.abs(old) + qty);
    const before = Math.ceil(Math.abs(old) * st.avg);
    st.position = old + signed;
    this.exposure += Math.ceil(Math.abs(st.position) * st.avg) - before - l.reserved;
  }
}
