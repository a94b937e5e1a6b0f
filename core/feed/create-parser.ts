import { BinanceParser } from './binance-parser.js';
import { CoinbaseParser } from './coinbase-parser.js';
import { KrakenParser } from './kraken-parser.js';
import type { SymbolMap, Venue } from './symbol-map.js';
import { DEFAULT_BATCH_CAPACITY, type VenueParser } from './venue-parser.js';

/** The parser for a venue's market data messages, resolving symbols through `symbols`. */
export function createParser(venue: Venue, symbols: SymbolMap, batchCapacity = DEFAULT_BATCH_CAPACITY): VenueParser {
  if (symbols.venue !== venue) throw new RangeError(`symbol map is for ${symbols.venue}, not ${venue}`);
  switch (venue) {
    case 'binance':
      return new BinanceParser(symbols);
    case 'coinbase':
      return new CoinbaseParser(symbols, batchCapacity);
    case 'kraken':
      return new KrakenParser(symbols, batchCapacity);
  }
}
