/**
 * Venue and market ids shared by every layout that is indexed per exchange
 * (circuit breakers, rate limiters) and by the `venue` field of order frames.
 * Ids are dense from 0 so they index typed arrays directly.
 */

export const Venue = { binance: 0, coinbase: 1, kraken: 2 } as const;
export type VenueName = keyof typeof Venue;
export type VenueId = (typeof Venue)[VenueName];
export const VENUE_NAMES: readonly VenueName[] = ['binance', 'coinbase', 'kraken'];
export const VENUE_COUNT = VENUE_NAMES.length;

export const Market = { spot: 0, futures: 1 } as const;
export type MarketName = keyof typeof Market;
export const MARKET_NAMES: readonly MarketName[] = ['spot', 'futures'];
export const MARKET_COUNT = MARKET_NAMES.length;
