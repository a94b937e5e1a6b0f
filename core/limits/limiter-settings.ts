/**
 * Rate-limit configuration, validated with zod at the edge (the limits config
 * file). A limiter is an ordered list of rules that must all admit a request;
 * a request costs `orders` (order placements) and `weight` (request weight,
 * CCXT's `cost`), and each rule counts one of the two.
 *
 *   fixedWindow      at most `limit` per window of `windowMs`, windows aligned to the wall clock
 *                    like the venue's (Binance: "a 1 MINUTE interval starts every minute").
 *   tokenBucket      lazily refilled bucket of `burst` tokens at `ratePerSec` (Coinbase Exchange).
 *   decayingCounter  a counter that each call raises by its cost and that decays at `decayPerSec`;
 *                    a call is refused when it would take the counter above `max` (Kraken). The
 *                    same arithmetic as a token bucket with burst = max and rate = decay.
 */
import { z } from 'zod';
import { MARKET_NAMES, VENUE_NAMES } from '../venue/venue.js';

const counts = z.enum(['orders', 'weight']);

export const fixedWindowRuleSchema = z.strictObject({
  kind: z.literal('fixedWindow'),
  counts,
  limit: z.number().int().min(1).max(1 << 24),
  windowMs: z.number().int().min(1).max(7 * 24 * 3600 * 1000),
  /** 'wall': windows start at multiples of windowMs of UTC time (the venue's); 'none': at the clock's zero (tests). */
  align: z.enum(['wall', 'none']).default('wall'),
});

export const tokenBucketRuleSchema = z.strictObject({
  kind: z.literal('tokenBucket'),
  counts,
  ratePerSec: z.number().positive().max(1e6),
  burst: z.number().int().min(1).max(1 << 20),
});

export const decayingCounterRuleSchema = z.strictObject({
  kind: z.literal('decayingCounter'),
  counts,
  max: z.number().int().min(1).max(1 << 20),
  decayPerSec: z.number().positive().max(1e6),
});

export const rateRuleSchema = z.discriminatedUnion('kind', [fixedWindowRuleSchema, tokenBucketRuleSchema, decayingCounterRuleSchema]);
export type RateRule = z.output<typeof rateRuleSchema>;
export type RateRuleInput = z.input<typeof rateRuleSchema>;

export const limiterSpecSchema = z.strictObject({
  /** Orders for this venue and market draw from this limiter (omit for limiters of other request kinds). */
  orders: z.strictObject({ venue: z.enum(VENUE_NAMES as [string, ...string[]]), market: z.enum(MARKET_NAMES as [string, ...string[]]) }).optional(),
  /** The weight one order placement costs (Binance spot: 1). */
  orderWeight: z.number().int().min(0).max(1 << 16).default(1),
  rules: z.array(rateRuleSchema).min(1).max(8),
});
export type LimiterSpec = z.output<typeof limiterSpecSchema>;
export type LimiterSpecInput = z.input<typeof limiterSpecSchema>;

export const KRAKEN_TIERS = ['starter', 'intermediate', 'pro'] as const;
export type KrakenTier = (typeof KRAKEN_TIERS)[number];

export const rateLimitsSchema = z.strictObject({
  /** 'venue': each exchange's documented rule; 'reference': the reference report's per-second limits. */
  profile: z.enum(['venue', 'reference']).default('venue'),
  krakenTier: z.enum(KRAKEN_TIERS).default('starter'),
  /** Replaces (same id) or adds limiters of the chosen profile. */
  limiters: z.record(z.string().regex(/^[a-z0-9.-]+$/), limiterSpecSchema).default({}),
});
export type RateLimitsConfig = z.output<typeof rateLimitsSchema>;
export type RateLimitsConfigInput = z.input<typeof rateLimitsSchema>;
