/**
 * Everything the exchange simulator can be told, validated once with zod at
 * the edge (CLI flags, tests, the engine's `--exchange sim`): the venue core
 * takes only parsed options. Defaults follow the real venue where it
 * publishes a number (rate limits, recvWindow, ping period) and are otherwise
 * chosen so a bench never runs out of liquidity or balance by accident.
 */
import { z } from 'zod';

const positive = z.number().finite().positive();

export const SymbolSpecSchema = z
  .object({
    symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, 'symbol: 2-20 of A-Z 0-9'),
    baseAsset: z.string().regex(/^[A-Z0-9]{1,10}$/),
    quoteAsset: z.string().regex(/^[A-Z0-9]{1,10}$/),
    /** Starting mid price. */
    price: positive.max(10_000_000),
    tickSize: positive.min(1e-8).max(1000),
    stepSize: positive.min(1e-8).max(1000),
    minQty: positive.max(1_000_000),
    maxQty: positive.max(10_000_000),
    minNotional: z.number().min(0),
    maxNotional: positive,
  })
  .refine((s) => s.minQty <= s.maxQty, { message: 'minQty above maxQty' })
  .refine((s) => s.tickSize < s.price, { message: 'tickSize not below price' });
export type SymbolSpec = z.output<typeof SymbolSpecSchema>;

export const ApiKeySpecSchema = z.union([
  z.object({ apiKey: z.string().regex(/^[A-Za-z0-9]{8,128}$/), secretKey: z.string().min(8).max(256), account: z.string().min(1).optional() }),
  z.object({ apiKey: z.string().regex(/^[A-Za-z0-9]{8,128}$/), publicKey: z.string().includes('PUBLIC KEY'), account: z.string().min(1).optional() }),
]);
export type ApiKeySpec = z.output<typeof ApiKeySpecSchema>;
export const KeysFileSchema = z.array(ApiKeySpecSchema).min(1);

export const VenueOptionsSchema = z.object({
  symbols: z.array(SymbolSpecSchema).min(1).max(1000),
  keys: z.array(ApiKeySpecSchema).default([]),
  limits: z
    .object({
      ordersPer10s: z.number().int().min(1).default(50),
      ordersPerDay: z.number().int().min(1).default(160_000),
      weightPerMinute: z.number().int().min(1).default(6000),
      /** First ban for going on after a 429; each further ban doubles, up to banMaxMs (the venue: 2 min to 3 days). */
      banBaseMs: z.number().int().min(1).default(120_000),
      banMaxMs: z.number().int().min(1).default(3 * 86_400_000),
    })
    .prefault({}),
  seed: z.number().int().default(1),
  /** Relative standard deviation of the mid per price step. */
  volatility: z.number().min(0).max(0.1).default(0.0002),
  /** Price path period: the mid moves and the synthetic book is refreshed this often. */
  stepMs: z.number().int().min(1).max(3_600_000).default(100),
  /** Synthetic levels each side, one tick apart from the touch outward. */
  depthLevels: z.number().int().min(1).max(500).default(10),
  /** Quote value resting at each synthetic level. */
  levelNotional: positive.default(20_000),
  /** Half the synthetic spread, in ticks. */
  halfSpreadTicks: z.number().int().min(1).max(10_000).default(1),
  /** Starting free balance of every asset of every account, in quote value. */
  startingQuoteValue: positive.default(100_000_000),
  takerCommission: z.number().min(0).max(0.01).default(0.001),
  makerCommission: z.number().min(0).max(0.01).default(0.001),
  maxMessageBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(65_536),
  pingIntervalMs: z.number().int().min(0).default(20_000),
  pongTimeoutMs: z.number().int().min(1).default(60_000),
  /** In degraded mode, the chance that an order answered -1007 was executed all the same. */
  degradedExecuteProbability: z.number().min(0).max(1).default(0.5),
  /** Network profile (sim/network/profiles.ts); none = the perfect network, no model at all. */
  profile: z.string().min(1).optional(),
});
export type VenueOptions = z.output<typeof VenueOptionsSchema>;
export type VenueOptionsInput = z.input<typeof VenueOptionsSchema>;

const pow10 = (e: number) => Number(`1e${e}`);

/** A symbol with filters scaled to its price: ~6 significant digits of price, ~1-10 cents of quote per step. */
export function symbolFor(symbol: string, price: number): SymbolSpec {
  const quotes = ['USDT', 'USDC', 'FDUSD', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY'];
  const quoteAsset = quotes.find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? symbol.slice(-3);
  const mag = Math.floor(Math.log10(price));
  const tickSize = pow10(Math.max(-8, mag - 6));
  const stepSize = pow10(Math.min(0, Math.max(-8, Math.ceil(-Math.log10(price)) - 1)));
  return {
    symbol,
    baseAsset: symbol.slice(0, symbol.length - quoteAsset.length),
    quoteAsset,
    price,
    tickSize,
    stepSize,
    minQty: stepSize,
    maxQty: 9_000_000,
    minNotional: 5,
    maxNotional: 9_000_000,
  };
}

export const DEFAULT_SYMBOLS: SymbolSpec[] = [symbolFor('BTCUSDT', 60_000), symbolFor('ETHUSDT', 3000), symbolFor('SOLUSDT', 150)];
