/**
 * The gateway's settings, validated with zod at start: a bad one is a
 * one-line error naming the field. Defaults suit the Binance Spot limits
 * (ORDERS 50 / 10 s: the local budget stays under it) and the recovery goal
 * (back to trading within a second of the venue's return: reconnect delays
 * are capped low, and a reconnect storm is still spread by full jitter).
 */
import { z } from 'zod';

export const GatewaySymbol = z.strictObject({
  /** The venue's spelling, e.g. BTCUSDT. */
  venueSymbol: z.string().regex(/^[A-Z0-9]{1,20}$/, 'venue symbol: 1 to 20 upper-case letters or digits'),
  tickSize: z.number().positive().finite(),
  lotStep: z.number().positive().finite(),
});
export type GatewaySymbol = z.infer<typeof GatewaySymbol>;

export const GatewayOptions = z.strictObject({
  /** Indexed by the engine's symbol id. */
  symbols: z.array(GatewaySymbol).min(1),
  /** Starts every clientOrderId this gateway makes (then the engine's client id in decimal); <= 36 characters in all. */
  clientIdPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/).default('bot4-'),
  recvWindowMs: z.number().int().min(1).max(60_000).default(5000),
  /** Of LIMIT orders: GTC rests; IOC takes what crosses at once, the rest EXPIRED (no order left on the book). */
  timeInForce: z.enum(['GTC', 'IOC']).default('GTC'),
  requestTimeoutMs: z.number().positive().default(2000),
  /** Logon and subscribe are sent again on the same connection when unanswered this long. */
  handshakeTimeoutMs: z.number().positive().default(250),
  connectTimeoutMs: z.number().positive().default(3000),
  pingIntervalMs: z.number().positive().default(10_000),
  reconnectBaseMs: z.number().positive().default(100),
  /** Full jitter up to this: at most this long asleep when the venue comes back (the recovery target is 1 s). */
  reconnectCapMs: z.number().positive().default(500),
  maxInFlight: z
    .number()
    .int()
    .refine((n) => n >= 2 && (n & (n - 1)) === 0, 'a power of two >= 2')
    .default(1024),
  /** New orders waiting to be sent at most; beyond it submit refuses (QUEUE_FULL). */
  queueCapacity: z.number().int().positive().default(4096),
  /** A new order not sent within this (disconnected, backing off) is refused as STALE rather than sent late. */
  maxQueueAgeMs: z.number().positive().default(2000),
  ordersPerWindow: z.number().int().positive().default(45),
  orderWindowMs: z.number().int().positive().default(10_000),
  /** order.place sends of one clientOrderId at most (the first and the retries after "never seen"). */
  maxPlaceSends: z.number().int().min(1).default(3),
  queryRetryBaseMs: z.number().positive().default(100),
  queryRetryCapMs: z.number().positive().default(2000),
  default429Ms: z.number().positive().default(1000),
  default418Ms: z.number().positive().default(120_000),
  /** openOrders.status every so often while connected (weight 80 on Binance): catches lost executionReports. 0: never. */
  auditIntervalMs: z.number().min(0).default(10_000),
  /** The same, when the venue refused the user data stream (no executionReports: fills of resting orders are learnt here). 0: never. */
  pollIntervalMs: z.number().min(0).default(2000),
  /** Final orders kept whole (a late report finds its order); older ones leave memory (order-tracker.ts). */
  retainFinalOrders: z.number().int().min(1).default(65_536),
  /** Keep a ~20-byte row of every order that left memory, for reconcileReport() at the end (the simulator); off: memory stays bounded. */
  archiveSettled: z.boolean().default(true),
  /** Seeds the reconnect and query jitter (reproducible runs on a simulated clock). */
  seed: z.number().int().default(1),
});
export type GatewayOptionsInput = z.input<typeof GatewayOptions>;
export type GatewayOptionsParsed = z.output<typeof GatewayOptions>;

export function parseGatewayOptions(input: unknown): GatewayOptionsParsed {
  const r = GatewayOptions.safeParse(input);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new RangeError(`gateway option ${i.path.join('.') || '(root)'}: ${i.message}`);
}
