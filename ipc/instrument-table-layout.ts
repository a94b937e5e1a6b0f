/**
 * Instrument table: the static trading parameters of every symbol, written by
 * main before the workers start and read by the worker owning each symbol.
 * One SharedArrayBuffer; byte offsets derived from CACHE_LINE_BYTES (header
 * line: layout-header.ts), then SYMBOL_STRIDE float64 per symbol, symbol id = row.
 *
 *   0        4         8          12                                      128
 *   +--------+---------+----------+----------------- ... -----------------+
 *   | magic  | version | symbols  |                                       |   header line
 *   +--------+---------+----------+----------------- ... -----------------+
 *   row s, byte 128 + s*64:
 *   0        8        16       24       32       40            48       56       64
 *   +--------+--------+--------+--------+--------+-------------+--------+--------+
 *   |tickSize|lotStep | minQty | maxQty |maxNotnl|collarFrac   |status  | venue  |
 *   +--------+--------+--------+--------+--------+-------------+--------+--------+
 *
 * Owner of every field: main (creation, then the rows once, before the workers
 * start). Every attach (attachInstrumentTable) checks magic, version and size.
 * Invariant: tickSize > 0, lotStep > 0, 0 < minQty <= maxQty, maxNotional > 0,
 * 0 < collarFrac < 1; status is InstrumentStatus.
 */
import { HEADER_BYTES, HEADER_FIELDS_BYTE, checkLayoutBytes, readLayoutHeader, writeLayoutHeader, type LayoutId } from './layout-header.js';

export const INSTRUMENT_TABLE: LayoutId = { name: 'instrument table', magic: 0x494e5354 /* 'INST' */, version: 1 };

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

const SYMBOLS = HEADER_FIELDS_BYTE >> 2;
const ROWS_BYTE = HEADER_BYTES;

function instrumentTableBytes(symbols: number): number {
  return ROWS_BYTE + symbols * SYMBOL_STRIDE * 8;
}

export function createInstrumentTable(symbols: number): SharedArrayBuffer {
  if (!Number.isInteger(symbols) || symbols < 1) throw new RangeError(`instrument table needs at least one symbol, got ${symbols}`);
  const sab = new SharedArrayBuffer(instrumentTableBytes(symbols));
  writeLayoutHeader(sab, INSTRUMENT_TABLE)[SYMBOLS] = symbols;
  return sab;
}

/**
 * Every reader and the writer: checks magic, version and size, and returns
 * the rows (SYMBOL_STRIDE per symbol, InstrumentField offsets; symbols =
 * length / SYMBOL_STRIDE).
 */
export function attachInstrumentTable(sab: SharedArrayBuffer): Float64Array {
  const symbols = readLayoutHeader(sab, INSTRUMENT_TABLE)[SYMBOLS];
  checkLayoutBytes(sab, INSTRUMENT_TABLE, instrumentTableBytes(symbols), `${symbols} symbols`);
  return new Float64Array(sab, ROWS_BYTE, symbols * SYMBOL_STRIDE);
}
