/**
 * Instrument table: the static trading parameters of every symbol, written by
 * main before the workers start and read by the worker owning each symbol.
 * One SharedArrayBuffer, SYMBOL_STRIDE float64 per symbol, symbol id = row.
 *
 *   row s, byte s*64:
 *   0        8        16       24       32       40            48       56       64
 *   +--------+--------+--------+--------+--------+-------------+--------+--------+
 *   |tickSize|lotStep | minQty | maxQty |maxNotnl|collarFrac   |status  | venue  |
 *   +--------+--------+--------+--------+--------+-------------+--------+--------+
 *
 * Owner: main (startup only). Invariant: tickSize > 0, lotStep > 0,
 * 0 < minQty <= maxQty, maxNotional > 0, 0 < collarFrac < 1; status is
 * InstrumentStatus. Row count = byteLength / 64.
 */

export const SYMBOL_STRIDE = 8;
export const InstrumentField = {
  tickSize: 0,
  lotStep: 1,
  minQty: 2,
  maxQty: 3,
  maxNotional: 4,
  collarFrac: 5,
  status: 6,
  venue: 7,
} as const;

export const InstrumentStatus = { Halted: 0, Trading: 1 } as const;

export function createInstrumentTable(symbols: number): SharedArrayBuffer {
  return new SharedArrayBuffer(symbols * SYMBOL_STRIDE * 8);
}
