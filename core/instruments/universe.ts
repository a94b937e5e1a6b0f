/**
 * The generator's universe: real majors with their exchange-like tick and lot
 * sizes first, then synthetic instruments with log-uniform prices.
 */
import type { Instrument } from './instrument.js';
import { Prng } from '../random/prng.js';

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

/** Majors quoted in USD, as Coinbase (BTC-USD) and Kraken (BTC/USD) list them; used when a feed asks for them. */
const USD_MAJORS: ReadonlyArray<[string, number, number, number]> = [
  ['BTC/USD', 60000, 0.01, 0.00000001],
  ['ETH/USD', 3000, 0.01, 0.00000001],
  ['SOL/USD', 150, 0.01, 0.00000001],
  ['XRP/USD', 0.6, 0.0001, 0.000001],
  ['DOGE/USD', 0.15, 0.00001, 0.1],
];

/** The instrument named `name` (a major, or SYNnnn/USDT of the synthetic series), or undefined. */
export function knownInstrument(name: string, seed: number): Instrument | undefined {
  const major = [...MAJORS, ...USD_MAJORS].find((m) => m[0] === name);
  if (major) return make(...major);
  const syn = /^SYN(\d{3,})\/USDT$/.exec(name);
  if (!syn) return undefined;
  return buildUniverse(MAJORS.length + Number(syn[1]), seed).find((i) => i.name === name);
}

/**
 * The instruments a feed subscribes to, in the order given (symbol id = index).
 * Throws naming the first symbol the engine has no parameters for.
 */
export function feedUniverse(names: readonly string[], seed: number): Instrument[] {
  return names.map((name) => {
    const ins = knownInstrument(name, seed);
    if (!ins) throw new RangeError(`no instrument parameters for ${name}; known: ${[...MAJORS, ...USD_MAJORS].map((m) => m[0]).join(', ')}, SYN001/USDT...`);
    return ins;
  });
}

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

/**
 * An instrument of a scripted market (the crash scenarios) whose price starts
 * at `start` and may fall as low as `lowest`: its tick fits the lowest price
 * (four significant digits there) and its largest quantity holds the usual
 * notional at it, so a coin that loses 99.99 % keeps prices on its grid and
 * orders within its bounds. Any name: events need coins (LUNA/USDT,
 * FTT/USDT) that the generated universe lacks.
 */
export function rangeInstrument(name: string, start: number, lowest: number): Instrument {
  if (!(start > 0 && lowest > 0 && lowest <= start && Number.isFinite(start))) throw new RangeError(`instrument ${name}: start ${start} and lowest ${lowest} must be prices with 0 < lowest <= start`);
  const tick = pow10(Math.floor(Math.log10(lowest)) - 4);
  const lot = pow10(Math.max(-8, Math.floor(Math.log10(1 / start))));
  const ins = make(name, Number((Math.round(start / tick) * tick).toPrecision(12)), tick, lot);
  ins.maxQty = Math.round(2_500_000 / lowest / lot) * lot;
  return ins;
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
