/**
 * Options of a market data feed, validated with zod at the edge (the CLI,
 * the engine's config); the feed client trusts the result.
 */
import { z } from 'zod';
import { UNIFIED_SYMBOL, VENUES } from './symbol-map.js';

/** Binance: at most 1024 streams per connection. */
const BINANCE_MAX_STREAMS = 1024;

export const FeedOptionsSchema = z
  .object({
    /** ws:// or wss:// URL of the venue's public market data stream. No default: see the README. */
    url: z
      .string()
      .url()
      .refine((u) => /^wss?:\/\//.test(u), { message: 'must be a ws:// or wss:// URL' }),
    venue: z.enum(VENUES),
    /** CCXT-style unified symbols, e.g. BTC/USDT. */
    subscribe: z
      .array(z.string().regex(UNIFIED_SYMBOL, 'a unified symbol such as BTC/USDT'))
      .min(1)
      .max(4096)
      .refine((s) => new Set(s).size === s.length, { message: 'symbols must be distinct' }),
    /** Engine symbol id of each subscribed symbol, in order (default: its index in `subscribe`). */
    symbolIds: z.array(z.number().int().min(0).max(0x7fffffff)).optional(),
    /** Streams per symbol: top of book (bookTicker / ticker) and trades. Coinbase's ticker carries both. */
    streams: z
      .array(z.enum(['book', 'trade']))
      .min(1)
      .default(['book', 'trade']),
    /** Silence after which every symbol's reference price is marked stale. */
    staleMs: z.number().int().min(10).max(600_000).default(2_000),
    /** Silence (no message at all) after which the connection is dropped and reopened; 0 = never. */
    idleReconnectMs: z.number().int().min(0).max(3_600_000).default(10_000),
    /** Largest message accepted (ws maxPayload); a larger one closes the connection (1009). */
    maxPayload: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Reconnect delay: base * 2^attempt, capped, with jitter (half fixed, half random). */
    backoffBaseMs: z.number().int().min(1).max(60_000).default(250),
    backoffCapMs: z.number().int().min(1).max(600_000).default(30_000),
    /** WebSocket ping interval; a ping still unanswered at the next one drops the connection. 0 = no pings. */
    pingIntervalMs: z.number().int().min(0).max(600_000).default(15_000),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /**
     * Sequence check: 'contiguous' counts any jump as a gap (the simulator, Coinbase sequence_num,
     * trade ids); 'monotonic' counts only repeats and regressions (real Binance bookTicker "u",
     * which advances with every book update, shown or not).
     */
    seqCheck: z.enum(['contiguous', 'monotonic']).default('contiguous'),
    /** At most one log line per reject reason (with a sample message) per this interval. */
    logIntervalMs: z.number().int().min(0).max(3_600_000).default(1_000),
    /** Most ticks one message may carry (Coinbase tickers, Kraken data items). */
    batchCapacity: z.number().int().min(1).max(65_536).default(256),
  })
  .refine((o) => o.backoffCapMs >= o.backoffBaseMs, { message: 'backoffCapMs must be >= backoffBaseMs', path: ['backoffCapMs'] })
  .refine((o) => o.symbolIds === undefined || o.symbolIds.length === o.subscribe.length, {
    message: 'symbolIds must have one id per subscribed symbol',
    path: ['symbolIds'],
  })
  .refine((o) => o.symbolIds === undefined || new Set(o.symbolIds).size === o.symbolIds.length, {
    message: 'symbol ids must be distinct',
    path: ['symbolIds'],
  })
  .refine((o) => o.venue !== 'binance' || o.subscribe.length * o.streams.length <= BINANCE_MAX_STREAMS, {
    message: `binance allows at most ${BINANCE_MAX_STREAMS} streams per connection`,
    path: ['subscribe'],
  });

export type FeedOptions = z.output<typeof FeedOptionsSchema>;
export type FeedOptionsInput = z.input<typeof FeedOptionsSchema>;

/** Validates feed options; throws a ZodError naming each bad field. */
export function parseFeedOptions(input: unknown): FeedOptions {
  return FeedOptionsSchema.parse(input);
}
