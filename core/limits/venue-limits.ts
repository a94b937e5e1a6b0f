/**
 * Each venue's documented rate limits as limiter specs, and the reference
 * report's simplified per-second profile. Config can replace any limiter
 * (limiter-settings.ts); resolveLimiters() applies the overrides.
 *
 * Sources (checked 2026):
 *   Binance spot   https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits
 *                  ORDERS 50 / 10 s and 160,000 / 1 day per account; REQUEST_WEIGHT 6,000 / 1 min per IP;
 *                  intervals are fixed and start on the clock ("a 1 MINUTE interval starts every minute").
 *   Binance USD-M  https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 *                  ORDERS 300 / 10 s and 1,200 / 1 min per account.
 *   Kraken spot    https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits
 *                  REST call counter: +1 per call (+2 ledger/trade history), max 15 / 20 / 20,
 *                  decay 0.33 / 0.5 / 1 per second for Starter / Intermediate / Pro. Kraken counts
 *                  AddOrder/CancelOrder on a separate per-pair trading-engine counter instead; this
 *                  limiter models the REST counter, as the issue asks, for every private call.
 *   Coinbase Exch. https://docs.cdp.coinbase.com/exchange/rest-api/rate-limits
 *                  lazy-fill token bucket, starts full: private 15/s burst 30 per profile; public 10/s burst 15 per IP.
 */
import { type LimiterSpec, type RateLimitsConfig, type KrakenTier, limiterSpecSchema } from './limiter-settings.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

const KRAKEN_COUNTER: Record<KrakenTier, { max: number; decayPerSec: number }> = {
  starter: { max: 15, decayPerSec: 0.33 },
  intermediate: { max: 20, decayPerSec: 0.5 },
  pro: { max: 20, decayPerSec: 1 },
};

export function venueProfile(krakenTier: KrakenTier): Record<string, LimiterSpec> {
  return {
    'binance.spot': {
      orders: { venue: 'binance', market: 'spot' },
      orderWeight: 1,
      rules: [
        { kind: 'fixedWindow', counts: 'orders', limit: 50, windowMs: 10 * SECOND, align: 'wall' },
        { kind: 'fixedWindow', counts: 'weight', limit: 6000, windowMs: MINUTE, align: 'wall' },
        { kind: 'fixedWindow', counts: 'orders', limit: 160_000, windowMs: DAY, align: 'wall' },
      ],
    },
    'binance.usdm': {
      orders: { venue: 'binance', market: 'futures' },
      orderWeight: 1,
      rules: [
        { kind: 'fixedWindow', counts: 'orders', limit: 300, windowMs: 10 * SECOND, align: 'wall' },
        { kind: 'fixedWindow', counts: 'orders', limit: 1200, windowMs: MINUTE, align: 'wall' },
      ],
    },
    'kraken.spot': {
      orders: { venue: 'kraken', market: 'spot' },
      orderWeight: 1,
      rules: [{ kind: 'decayingCounter', counts: 'weight', ...KRAKEN_COUNTER[krakenTier] }],
    },
    'coinbase.private': {
      orders: { venue: 'coinbase', market: 'spot' },
      orderWeight: 1,
      rules: [{ kind: 'tokenBucket', counts: 'weight', ratePerSec: 15, burst: 30 }],
    },
    'coinbase.public': {
      orderWeight: 1,
      rules: [{ kind: 'tokenBucket', counts: 'weight', ratePerSec: 10, burst: 15 }],
    },
  };
}

/** The reference report's simplified limits: orders per second, spot / futures, one second of burst. */
export function referenceProfile(): Record<string, LimiterSpec> {
  const perSecond = (venue: 'binance' | 'kraken' | 'coinbase', market: 'spot' | 'futures', rate: number): LimiterSpec => ({
    orders: { venue, market },
    orderWeight: 1,
    rules: [{ kind: 'tokenBucket', counts: 'orders', ratePerSec: rate, burst: rate }],
  });
  return {
    'binance.spot': perSecond('binance', 'spot', 20),
    'binance.futures': perSecond('binance', 'futures', 50),
    'kraken.spot': perSecond('kraken', 'spot', 15),
    'kraken.futures': perSecond('kraken', 'futures', 30),
    'coinbase.spot': perSecond('coinbase', 'spot', 10),
    'coinbase.futures': perSecond('coinbase', 'futures', 25),
  };
}

/** The limiters in force: the profile's, with config overrides applied by id, in a stable order. */
export function resolveLimiters(config: RateLimitsConfig): Array<{ id: string; spec: LimiterSpec }> {
  const base = config.profile === 'venue' ? venueProfile(config.krakenTier) : referenceProfile();
  const merged: Record<string, LimiterSpec> = { ...base, ...config.limiters };
  const out = Object.keys(merged)
    .sort()
    .map((id) => ({ id, spec: limiterSpecSchema.parse(merged[id]) }));
  const routed = new Map<string, string>();
  for (const { id, spec } of out) {
    if (!spec.orders) continue;
    const key = `${spec.orders.venue}/${spec.orders.market}`;
    const other = routed.get(key);
    if (other) throw new RangeError(`rate limiters ${other} and ${id} both claim orders for ${key}`);
    routed.set(key, id);
  }
  return out;
}
