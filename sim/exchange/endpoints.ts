/**
 * What each request does, once, for both transports: REST routes and
 * WebSocket API methods name the same endpoint objects (the weight table,
 * the security type, the params it reads, and the work). Weights and
 * response shapes follow rest-api.md / web-socket-api.md.
 */
import { formatAmount } from './decimal.js';
import { badSymbol, cancelRejected, VenueError } from './errors.js';
import type { MatchingEngine, OrderRef } from './matching.js';
import { cancelResponse, placeResponse, priceText, qtyText, queryResponse } from './orders.js';
import {
  clientIdParam,
  longParam,
  onlyKnown,
  optional,
  optionalSymbol,
  PLACE_PARAMS,
  placeParams,
  symbolParam,
  type Params,
} from './params.js';
import type { RateLimits } from './rate-limits.js';

export interface EndpointContext {
  readonly engine: MatchingEngine;
  readonly limits: RateLimits;
  readonly ip: string;
  /** The signed request's account (SIGNED endpoints only). */
  readonly account: string;
  readonly now: number;
  /** Degraded mode: an order request is answered -1007 and executed or not at random. */
  readonly degraded: boolean;
  readonly coin: () => number;
  readonly degradedExecuteProbability: number;
}

export interface Endpoint {
  readonly security: 'NONE' | 'SIGNED';
  /** Counts against ORDERS (and gets the order-count headers). */
  readonly placesOrder?: boolean;
  /** Params read besides the signing ones (timestamp, recvWindow, signature, apiKey). */
  readonly params: readonly string[];
  weight(p: Params): number;
  run(ctx: EndpointContext, p: Params): unknown;
}

const SIGNING = ['timestamp', 'recvWindow', 'signature', 'apiKey'];

/** Checks the params an endpoint may be sent (its own, the signing ones for SIGNED, `returnRateLimits` for the WebSocket API). */
export function checkParams(e: Endpoint, p: Params, extra: readonly string[] = []): void {
  onlyKnown(p, [...e.params, ...(e.security === 'SIGNED' ? SIGNING : []), ...extra]);
}

function orderRef(p: Params): OrderRef {
  const orderId = longParam(p, 'orderId');
  const origClientOrderId = clientIdParam(p, 'origClientOrderId');
  if (orderId === undefined && origClientOrderId === undefined)
    throw new VenueError(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  return { symbol: symbolParam(p), orderId, origClientOrderId };
}

/** Runs an order mutation, or in degraded mode answers -1007 having run it or not, at random. */
function mutate<T>(ctx: EndpointContext, act: () => T): T {
  if (!ctx.degraded) return act();
  if (ctx.coin() < ctx.degradedExecuteProbability) {
    try {
      act();
    } catch {
      // The client is told the outcome is unknown either way.
    }
  }
  throw new VenueError(-1007, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.', 503);
}

const time: Endpoint = { security: 'NONE', params: [], weight: () => 1, run: (ctx) => ({ serverTime: Math.floor(ctx.now) }) };
const ping: Endpoint = { security: 'NONE', params: [], weight: () => 1, run: () => ({}) };

const exchangeInfo: Endpoint = {
  security: 'NONE',
  params: ['symbol', 'symbols'],
  weight: () => 20,
  run(ctx, p) {
    const one = optionalSymbol(p);
    const many = optional(p, 'symbols');
    let names: string[] | undefined;
    if (one !== undefined) names = [one];
    else if (many !== undefined) {
      try {
        names = stringArray(JSON.parse(many));
      } catch {
        throw new VenueError(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
      }
    }
    for (const n of names ?? []) if (!ctx.engine.markets.has(n)) throw badSymbol();
    const markets = [...ctx.engine.markets.values()].filter((m) => !names || names.includes(m.spec.symbol));
    return {
      timezone: 'UTC',
      serverTime: Math.floor(ctx.now),
      rateLimits: ctx.limits.describe(),
      exchangeFilters: [],
      symbols: markets.map(({ spec: s }) => ({
        symbol: s.symbol,
        status: 'TRADING',
        baseAsset: s.baseAsset,
        baseAssetPrecision: 8,
        quoteAsset: s.quoteAsset,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
        icebergAllowed: false,
        ocoAllowed: false,
        otoAllowed: false,
        opoAllowed: false,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: false,
        cancelReplaceAllowed: false,
        amendAllowed: false,
        pegInstructionsAllowed: false,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: formatAmount(s.tickSize), maxPrice: '1000000000.00000000', tickSize: formatAmount(s.tickSize) },
          { filterType: 'LOT_SIZE', minQty: formatAmount(s.minQty), maxQty: formatAmount(s.maxQty), stepSize: formatAmount(s.stepSize) },
          {
            filterType: 'NOTIONAL',
            minNotional: formatAmount(s.minNotional),
            applyMinToMarket: true,
            maxNotional: formatAmount(s.maxNotional),
            applyMaxToMarket: false,
            avgPriceMins: 0,
          },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'NONE',
        allowedSelfTradePreventionModes: ['NONE'],
      })),
    };
  },
};

function stringArray(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error('not an array of strings');
  return v as string[];
}

const depth: Endpoint = {
  security: 'NONE',
  params: ['symbol', 'limit'],
  weight(p) {
    const n = Number(optional(p, 'limit') ?? 100);
    return n <= 100 ? 5 : n <= 500 ? 25 : n <= 1000 ? 50 : 250;
  },
  run(ctx, p) {
    const m = ctx.engine.market(symbolParam(p));
    const limit = Math.min(5000, longParam(p, 'limit') ?? 100);
    if (limit < 1) throw new VenueError(-1100, "Illegal characters found in parameter 'limit'; legal range is '1-5000'.");
    const side = (s: 'BUY' | 'SELL') => m.book.depth(s, limit).map(([price, steps]) => [priceText(m, price), qtyText(m, steps)]);
    return { lastUpdateId: m.book.updateId, bids: side('BUY'), asks: side('SELL') };
  },
};

const bookTicker: Endpoint = {
  security: 'NONE',
  params: ['symbol', 'symbols'],
  weight: (p) => (optional(p, 'symbol') !== undefined ? 2 : 4),
  run(ctx, p) {
    const one = optionalSymbol(p);
    const ticker = (name: string) => {
      const m = ctx.engine.market(name);
      const [bid] = m.book.depth('BUY', 1);
      const [ask] = m.book.depth('SELL', 1);
      return {
        symbol: name,
        bidPrice: bid ? priceText(m, bid[0]) : '0.00000000',
        bidQty: bid ? qtyText(m, bid[1]) : '0.00000000',
        askPrice: ask ? priceText(m, ask[0]) : '0.00000000',
        askQty: ask ? qtyText(m, ask[1]) : '0.00000000',
      };
    };
    if (one !== undefined) return ticker(one);
    const many = optional(p, 'symbols');
    let names = [...ctx.engine.markets.keys()];
    if (many !== undefined) {
      try {
        names = stringArray(JSON.parse(many));
      } catch {
        throw new VenueError(-1100, "Illegal characters found in parameter 'symbols'.");
      }
    }
    return names.map(ticker);
  },
};

const placeOrder: Endpoint = {
  security: 'SIGNED',
  placesOrder: true,
  params: PLACE_PARAMS,
  weight: () => 1,
  run(ctx, p) {
    const { request, respType } = placeParams(p);
    const accept = ctx.engine.prepare(ctx.account, request);
    ctx.limits.chargeOrder(ctx.ip, ctx.account);
    const { order, fills } = mutate(ctx, accept);
    return placeResponse(order, ctx.engine.market(order.symbol), respType, fills);
  },
};

const cancelOrder: Endpoint = {
  security: 'SIGNED',
  params: ['symbol', 'orderId', 'origClientOrderId', 'newClientOrderId', 'cancelRestrictions'],
  weight: () => 1,
  run(ctx, p) {
    const ref = orderRef(p);
    const cancelId = clientIdParam(p, 'newClientOrderId') ?? `cancel${ctx.now.toFixed(0)}`;
    const restriction = optional(p, 'cancelRestrictions');
    if (restriction !== undefined && restriction !== 'ONLY_NEW' && restriction !== 'ONLY_PARTIALLY_FILLED')
      throw new VenueError(-1145, 'Invalid cancelRestrictions');
    ctx.engine.market(ref.symbol);
    return mutate(ctx, () => {
      if (restriction !== undefined) {
        const o = ctx.engine.query(ctx.account, ref);
        if (o.status !== (restriction === 'ONLY_NEW' ? 'NEW' : 'PARTIALLY_FILLED'))
          throw cancelRejected('Order was not canceled due to cancel restrictions.');
      }
      const { order, time: t } = ctx.engine.cancel(ctx.account, ref, cancelId);
      return cancelResponse(order, ctx.engine.market(order.symbol), cancelId, t);
    });
  },
};

const queryOrder: Endpoint = {
  security: 'SIGNED',
  params: ['symbol', 'orderId', 'origClientOrderId'],
  weight: () => 4,
  run(ctx, p) {
    const ref = orderRef(p);
    ctx.engine.market(ref.symbol);
    const o = ctx.engine.query(ctx.account, ref);
    return queryResponse(o, ctx.engine.market(o.symbol));
  },
};

const openOrders: Endpoint = {
  security: 'SIGNED',
  params: ['symbol'],
  weight: (p) => (optional(p, 'symbol') !== undefined ? 6 : 80),
  run(ctx, p) {
    const symbol = optionalSymbol(p);
    if (symbol !== undefined) ctx.engine.market(symbol);
    return ctx.engine.openOrders(ctx.account, symbol).map((o) => queryResponse(o, ctx.engine.market(o.symbol)));
  },
};

const account: Endpoint = {
  security: 'SIGNED',
  params: ['omitZeroBalances'],
  weight: () => 20,
  run(ctx, p) {
    const omitZero = optional(p, 'omitZeroBalances') === 'true';
    const assets = new Set<string>();
    for (const m of ctx.engine.markets.values()) assets.add(m.spec.baseAsset).add(m.spec.quoteAsset);
    const { makerCommission: maker, takerCommission: taker } = ctx.engine.options;
    return {
      // Whole basis points, as the venue writes them, and the exact rates beside.
      makerCommission: Math.round(maker * 10_000),
      takerCommission: Math.round(taker * 10_000),
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: { maker: formatAmount(maker), taker: formatAmount(taker), buyer: formatAmount(0), seller: formatAmount(0) },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: Math.floor(ctx.engine.accounts.updateTime(ctx.account)),
      accountType: 'SPOT',
      balances: ctx.engine.accounts
        .assets(ctx.account, [...assets])
        .filter(([, b]) => !omitZero || b.free + b.locked > 0)
        .map(([asset, b]) => ({ asset, free: formatAmount(Math.max(0, b.free)), locked: formatAmount(Math.max(0, b.locked)) })),
      permissions: ['SPOT'],
      uid: 1,
    };
  },
};

export const REST_ROUTES: Readonly<Record<string, Endpoint>> = {
  'GET /api/v3/ping': ping,
  'GET /api/v3/time': time,
  'GET /api/v3/exchangeInfo': exchangeInfo,
  'GET /api/v3/depth': depth,
  'GET /api/v3/ticker/bookTicker': bookTicker,
  'POST /api/v3/order': placeOrder,
  'DELETE /api/v3/order': cancelOrder,
  'GET /api/v3/order': queryOrder,
  'GET /api/v3/openOrders': openOrders,
  'GET /api/v3/account': account,
};

/** WebSocket API methods that are plain requests (session and user-stream methods live in ws-api.ts). */
export const WS_METHODS: Readonly<Record<string, Endpoint>> = {
  ping,
  time,
  exchangeInfo,
  depth,
  'ticker.book': bookTicker,
  'order.place': placeOrder,
  'order.cancel': cancelOrder,
  'order.status': queryOrder,
  'openOrders.status': openOrders,
  'account.status': account,
};
