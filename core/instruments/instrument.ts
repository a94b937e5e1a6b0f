import { InstrumentField, InstrumentStatus, SYMBOL_STRIDE, attachInstrumentTable } from '../../ipc/instrument-table-layout.js';

/** A tradable instrument as the engine knows it. Symbol id = index in the universe. */
export interface Instrument {
  /** CCXT-style unified name, e.g. BTC/USDT. */
  name: string;
  tickSize: number;
  lotStep: number;
  minQty: number;
  maxQty: number;
  /** Maximum notional (price x quantity, quote currency) of one order. */
  maxNotional: number;
  /** A limit price may differ from the reference price by at most this fraction. */
  collarFrac: number;
  trading: boolean;
  venue: number;
  /** Typical price, used by the generator to start its random walk. */
  initialPrice: number;
}

/** Main, before the workers start: one row per instrument of a table made for exactly these. */
export function writeInstrumentTable(sab: SharedArrayBuffer, instruments: readonly Instrument[]): void {
  const table = attachInstrumentTable(sab);
  if (table.length !== instruments.length * SYMBOL_STRIDE) throw new RangeError(`instrument table has ${table.length / SYMBOL_STRIDE} rows, got ${instruments.length} instruments`);
  instruments.forEach((ins, s) => {
    const row = s * SYMBOL_STRIDE;
    table[row + InstrumentField.tickSize] = ins.tickSize;
    table[row + InstrumentField.lotStep] = ins.lotStep;
    table[row + InstrumentField.minQty] = ins.minQty;
    table[row + InstrumentField.maxQty] = ins.maxQty;
    table[row + InstrumentField.maxNotional] = ins.maxNotional;
    table[row + InstrumentField.collarFrac] = ins.collarFrac;
    table[row + InstrumentField.status] = ins.trading ? InstrumentStatus.Trading : InstrumentStatus.Halted;
    table[row + InstrumentField.venue] = ins.venue;
  });
}
