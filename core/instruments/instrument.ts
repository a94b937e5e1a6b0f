import { InstrumentField, InstrumentStatus, SYMBOL_STRIDE } from '../../ipc/instrument-table-layout.js';

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

export function writeInstrumentTable(table: Float64Array, instruments: readonly Instrument[]): void {
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
