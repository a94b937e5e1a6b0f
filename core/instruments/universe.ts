/**
 * The generator's universe: real majors with their exchange-like tick and lot
 * sizes first, then synthetic instruments with log-uniform prices.
 */
import type { Instrument } from './instrument.js';
import { Prng } from '../generator/prng.js';

const MAX_ORDER_NOTIONAL = 250_000;
const COLLAR = 0.05;

const MAJORS: ReadonlyArray<[string, number, number, number]> = [
  // name, price, tick, lot
  ['BTC/USDT', 60000, 0.01, 0.00001],
  ['ETH/USDT', 3000, 0.01, 0.0001],
  ['SOL/USDT', 150, 0.01, 0.001],
  ['BNB/USDT', 600, 0.01, 0.001],
  ['XRP/USDT', 0.6, 0.0001, 0.1],
  ['DOGE/USDT', 0.15, 0.00001, 1],
  ['ADA/USDT', 0.45, 0.0001, 0.1],
  ['AVAX/USDT', 35, 0.01, 0.01],
];

function pow10(e: number): number {
  // Exact decimal steps (10 ** -2 is 0.01, not 0.010000000000000002).
  return e >= 0 ? 10 ** e : 1 / 10 ** -e;
}

function make(name: string, price: number, tick: number, lot: number): Instrument {
  return {
    name,
    tickSize: tick,
    lotStep: lot,
    minQty: lot * 10,
    // About 2.5 M quote of quantity: far above the notional cap, so quantity and notional limits are distinct checks.
    maxQty: Math.round((2_500_000 / price) / lot) * lot,
    maxNotional: MAX_ORDER_NOTIONAL,
    collarFrac: COLLAR,
    trading: true,
    venue: 0,
    initialPrice: price,
  };
}

export function buildUniverse(count: number, seed: number): Instrument[] {
  const out: Instrument[] = [];
  for (let i = 0; i < count && i < MAJORS.length; i++) out.push(make(...MAJORS[i]));
  const rng = new Prng(seed ^ 0x5eed);
  for (let i = out.length; i < count; i++) {
    const price = Math.exp(Math.log(0.05) + rng.next() * Math.log(500 / 0.05));
    const mag = Math.floor(Math.log10(price));
    const tick = pow10(mag - 4);
    const lot = pow10(Math.max(-6, Math.floor(Math.log10(1 / price))));
    const p = Math.round(price / tick) * tick;
    out.push(make(`SYN${String(i - MAJORS.length + 1).padStart(3, '0')}/USDT`, Number(p.toPrecision(12)), tick, lot));
  }
  return out;
}
