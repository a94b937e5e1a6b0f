/**
 * `--exchange sim`: the exchange simulator (sim/exchange/) on 127.0.0.1, in
 * a thread of the engine's process so that it lives and dies with the run.
 * It lists the engine's symbols at their starting prices, with the engine's
 * own tick and lot grids, and a fresh HMAC key the gateway is handed; the
 * network profile comes from --exchange-profile. Unlike the gateway and the
 * workers it is not pinned: it stands for a venue, far from our cores.
 *
 * Messages (postMessage; control only): it posts { op: 'listening', port,
 * apiKey, secretKey } once it serves; on { op: 'orders' } it answers with
 * every order the venue accepted for the key (the summary reconciles the
 * gateway's view against it), and on { op: 'stop' } it closes.
 */
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { RealScheduler } from '../core/clock/scheduler.js';
import type { NetworkProfileName } from '../core/config/exchange-options.js';
import type { Instrument } from '../core/instruments/instrument.js';
import { createLogger } from '../core/logging/logger.js';
import { networkFor } from '../sim/exchange/network-hook.js';
import { ExchangeSimServer } from '../sim/exchange/server.js';
import { VenueOptionsSchema } from '../sim/exchange/sim-options.js';
import { ExchangeVenue } from '../sim/exchange/venue.js';

export interface ExchangeSimConfig {
  instruments: Instrument[];
  profile: NetworkProfileName;
  seed: number;
  logFd: 1 | 2;
  logLevel: string;
}

/** A venue order as the summary's reconciliation reads it. */
export interface SimOrderView {
  clientOrderId: string;
  status: string;
  executedQty: number;
}

const cfg = workerData as ExchangeSimConfig;
const log = createLogger('exchange-sim', cfg.logFd, cfg.logLevel);
const apiKey = randomBytes(24).toString('hex');
const secretKey = randomBytes(32).toString('hex');
const LIFTED = 1e12;
const MAX_VENUE_QTY = 1e7;

const parsed = VenueOptionsSchema.safeParse({
  symbols: cfg.instruments.map((i) => {
    const [base, quote] = i.name.split('/');
    return {
      symbol: base + quote,
      baseAsset: base,
      quoteAsset: quote,
      price: i.initialPrice,
      tickSize: i.tickSize,
      stepSize: i.lotStep,
      minQty: i.minQty,
      // The venue's LOT_SIZE caps what one order may be; the engine's own limits stay the tighter ones in practice.
      maxQty: Math.min(i.maxQty, MAX_VENUE_QTY),
      minNotional: 0,
      maxNotional: i.maxNotional,
    };
  }),
  keys: [{ apiKey, secretKey }],
  // The engine's own limits file (its rate limiters, the gateway's budget) is what paces orders here.
  limits: { ordersPer10s: LIFTED, ordersPerDay: LIFTED, weightPerMinute: LIFTED },
  seed: cfg.seed,
  profile: cfg.profile,
});
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  throw new Error(`the engine's symbols do not fit the simulator: ${issue.path.join('.')}: ${issue.message}`);
}
const options = parsed.data;
const stepOf = new Map(options.symbols.map((s) => [s.symbol, s.stepSize]));
const scheduler = new RealScheduler();
const { conditions } = networkFor(cfg.profile === 'perfect' ? undefined : cfg.profile, cfg.seed, scheduler);
const venue = new ExchangeVenue(options, scheduler, conditions);
const server = await ExchangeSimServer.start(venue, { host: '127.0.0.1', port: 0, log });
log.info({ url: `http://127.0.0.1:${server.port}`, profile: cfg.profile, symbols: options.symbols.length }, 'exchange simulator listening');
parentPort?.postMessage({ op: 'listening', port: server.port, apiKey, secretKey });

parentPort?.on('message', (m: { op: 'orders' | 'stop' }) => {
  if (m.op === 'orders') {
    const orders: SimOrderView[] = [];
    // The venue keeps quantities in lot steps.
    for (const list of venue.ordersByClientId(apiKey).values()) for (const o of list) orders.push({ clientOrderId: o.clientOrderId, status: o.status, executedQty: o.executedQty * (stepOf.get(o.symbol) ?? NaN) });
    parentPort?.postMessage({ op: 'orders', orders });
  } else if (m.op === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
