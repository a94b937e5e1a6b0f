/**
 * ExchangeVenue: the simulated Binance Spot venue without a transport
 * (contracts.md, "Exchange simulator core"). REST requests go through
 * `handleRest` (rest-api.ts), each WebSocket connection is a session from
 * `openSession` (ws-api.ts); both authenticate here, count rate limits in
 * one RateLimits and act on one MatchingEngine. Everything on it runs on the
 * Scheduler it is given, so benches drive it on simulated time.
 * `network` is the conditions the transports apply to every message; the
 * venue itself applies only degraded mode (order requests answered -1007).
 */
import type { Scheduler } from '../../core/clock/scheduler.js';
import { Prng } from '../../core/random/prng.js';
import { type Endpoint, type EndpointContext } from './endpoints.js';
import { aheadOfServer, badApiKeyFormat, badSignature, mandatory, outsideRecvWindow, rejectedKey } from './errors.js';
import { MatchingEngine } from './matching.js';
import { PERFECT_NETWORK, type NetworkConditions } from '../network/conditions.js';
import type { SessionOpener } from '../network/memory-link.js';
import { executionReport, type Execution, type VenueOrder } from './orders.js';
import { recvWindowParam, timestampParam, type Params } from './params.js';
import { RateLimits } from './rate-limits.js';
import { handleRest, type RestRequest, type RestResponse } from './rest-api.js';
import { KeyStore, type ApiKey } from './signature.js';
import type { VenueOptions } from './sim-options.js';
import { WsSession, type VenuePeer, type VenueSession } from './ws-api.js';

export class ExchangeVenue implements SessionOpener {
  readonly engine: MatchingEngine;
  readonly limits: RateLimits;
  readonly keys: KeyStore;
  private readonly coin: Prng;
  /** Told of every exception that is not a venue answer (a simulator bug, answered -1000); the server logs them. */
  onInternalError: (e: unknown) => void = () => {};
  /** Sessions subscribed to each account's user data stream. */
  private readonly streams = new Map<string, Set<WsSession>>();

  constructor(
    readonly options: VenueOptions,
    readonly clock: Scheduler,
    public network: NetworkConditions = PERFECT_NETWORK,
  ) {
    this.keys = new KeyStore(options.keys);
    this.engine = new MatchingEngine(options, clock);
    this.limits = new RateLimits(options.limits, clock);
    this.coin = new Prng(options.seed ^ 0x5bd1e995);
    this.engine.onExecution = (account, x) => this.publish(account, x);
  }

  /** Starts the price path. */
  start(): void {
    this.engine.start();
  }

  stop(): void {
    this.engine.stop();
  }

  handleRest(req: RestRequest): RestResponse {
    return handleRest(this, req);
  }

  openSession(peer: VenuePeer): VenueSession {
    return new WsSession(this, peer);
  }

  /** Every order the account of `apiKey` ever had accepted, by clientOrderId (oldest first), for reconciliation. */
  ordersByClientId(apiKey: string): ReadonlyMap<string, readonly VenueOrder[]> {
    const key = this.keys.get(apiKey);
    return key ? this.engine.ordersByClientId(key.account) : new Map();
  }

  /** The key of a signed request: known (-2015 otherwise) and well formed (-2014). */
  key(apiKey: string | undefined): ApiKey {
    if (apiKey === undefined || apiKey === '') throw badApiKeyFormat();
    if (!/^[A-Za-z0-9]{1,128}$/.test(apiKey)) throw badApiKeyFormat();
    const key = this.keys.get(apiKey);
    if (!key) throw rejectedKey();
    return key;
  }

  /** Verifies a signed request: signature (-1022) over `payload`, then its timestamp against recvWindow (-1021). */
  verify(key: ApiKey, p: Params, payload: string, signature: string | undefined): void {
    const ts = timestampParam(p);
    const window = recvWindowParam(p);
    if (signature === undefined || signature === '') throw mandatory('signature');
    if (!key.verify(payload, signature)) throw badSignature();
    this.checkTime(ts, window);
  }

  /** The timing check alone, for requests on a logged-on WebSocket session (no signature of their own). */
  checkTimeOf(p: Params): void {
    this.checkTime(timestampParam(p), recvWindowParam(p));
  }

  checkTime(ts: number, recvWindow: number): void {
    const now = this.clock.nowMs();
    if (ts >= now + 1000) throw aheadOfServer();
    if (now - ts > recvWindow) throw outsideRecvWindow();
  }

  /** Runs an endpoint for a caller already charged and authenticated. */
  run(e: Endpoint, p: Params, ip: string, account: string): unknown {
    const now = Math.floor(this.clock.nowMs());
    const ctx: EndpointContext = {
      engine: this.engine,
      limits: this.limits,
      ip,
      account,
      now,
      degraded: this.network.degraded(now),
      coin: () => this.coin.next(),
      degradedExecuteProbability: this.options.degradedExecuteProbability,
    };
    return e.run(ctx, p);
  }

  subscribe(account: string, s: WsSession): void {
    let set = this.streams.get(account);
    if (!set) this.streams.set(account, (set = new Set()));
    set.add(s);
  }

  unsubscribe(account: string, s: WsSession): void {
    this.streams.get(account)?.delete(s);
  }

  private publish(account: string, x: Execution): void {
    const set = this.streams.get(account);
    if (!set || set.size === 0) return;
    const event = JSON.stringify(executionReport(x, this.engine.market(x.order.symbol)));
    for (const s of set) s.event(event);
  }
}
