/**
 * A scenario as the engine takes it (core/config/engine-options.ts,
 * ScriptedMarket): one instrument per coin of the event, priced and gridded
 * for the whole range its path covers, plus the two symbols the generator
 * keeps aside for its bad orders (one never ticked, one halted: the last two
 * ids, core/generator/order-generator.ts reservedSymbols), at a constant
 * price; the path's mids in shared memory; and the book the generator keeps:
 * a long position in every coin, so that the crash costs the account money.
 */
import type { ScriptedMarket } from '../../core/config/engine-options.js';
import { rangeInstrument } from '../../core/instruments/universe.js';
import { sharedMids } from '../../core/generator/scripted-path.js';
import { buildScenarioPath, type ScenarioPath } from './price-path.js';
import type { ScenarioName } from './events.js';

/**
 * Each coin's position is kept between these notionals (quote): good orders buy up to
 * `high`, then sell down to `low`, at the mid, all through the crash. As the price falls,
 * the book buys to hold its notional and sells at a loss on the way down: a
 * constant-notional long book, as a market maker's inventory fills in a sell-off.
 */
export const SCENARIO_BOOK = { low: 300_000, high: 700_000 } as const;
const RESERVED = ['SYN001/USDT', 'SYN002/USDT'];
const RESERVED_PRICE = 100;
/** Room under a coin's lowest mid for the generator's passive bids (up to 1 % below the mid, and a few ticks). */
const GRID_MARGIN = 0.5;

export interface Scenario {
  path: ScenarioPath;
  market: ScriptedMarket;
}

export function buildScenario(name: ScenarioName, seed: number): Scenario {
  const path = buildScenarioPath(name, seed);
  const n = path.coins.length;
  const width = n + RESERVED.length;
  const instruments = path.coins.map((coin, i) => {
    let lowest = Infinity;
    for (let k = 0; k < path.steps; k++) lowest = Math.min(lowest, path.mids[k * n + i]);
    return rangeInstrument(coin, path.start[i], lowest * GRID_MARGIN);
  });
  for (const r of RESERVED) instruments.push(rangeInstrument(r, RESERVED_PRICE, RESERVED_PRICE));
  const mids = new Float64Array(path.steps * width);
  for (let k = 0; k < path.steps; k++) {
    for (let i = 0; i < n; i++) mids[k * width + i] = path.mids[k * n + i];
    for (let j = n; j < width; j++) mids[k * width + j] = RESERVED_PRICE;
  }
  // Step 0 is the instruments' initial price: the generator starts there, and snaps to their grid.
  for (let i = 0; i < n; i++) mids[i] = instruments[i].initialPrice;
  return {
    path,
    market: { name, instruments, path: { mids: sharedMids(mids), symbols: width, stepNs: path.stepMs * 1e6 }, book: { ...SCENARIO_BOOK } },
  };
}
